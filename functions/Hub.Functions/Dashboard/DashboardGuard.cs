using Hub.Functions.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Dashboard;

/// <summary>
/// What every dashboard route checks (docs/dashboard.md): the session (cookie, or the App Service principal when the hub
/// trusts it), and on a POST the form's anti-forgery token; and the answers they share (a page, the redirect to
/// sign-in, a 403 problem, back to a page with a notice).
/// </summary>
public sealed class DashboardGuard(DashboardSessions sessions, ApiCallerAuthenticator authenticator)
{
    private const string Html = "text/html; charset=utf-8";

    /// <summary>The session cookie's caller, or the App Service principal when the hub trusts it (no cookie then).</summary>
    public DashboardSession? Session(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return sessions.Read(request)
            ?? (authenticator.TrustsAppServicePrincipal && !request.Headers.ContainsKey(ApiCallerAuthenticator.KeyHeader) && authenticator.Authenticate(request.HttpContext) is { } principal
                ? sessions.ForPrincipal(principal)
                : null);
    }

    /// <summary>The session and form of a POST that carries its anti-forgery token; else the refusal (to sign-in without a session, 403 without the token).</summary>
    public async Task<DashboardAction> ActionAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Session(request) is not { } session)
        {
            return new DashboardAction(null, null, TypedResults.Redirect("/sign-in"));
        }

        IFormCollection? form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        return form is not null && DashboardSessions.TokenMatches(session, form)
            ? new DashboardAction(session, form, null)
            : new DashboardAction(session, form, Forbidden("The form's anti-forgery token is missing or wrong; reload the page and try again."));
    }

    /// <summary>To sign-in, coming back to the page asked for (its path and query).</summary>
    public static RedirectHttpResult ToSignIn(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Redirect("/sign-in?return=" + Uri.EscapeDataString(request.Path.Value is { Length: > 0 } path ? path + request.QueryString : "/"));
    }

    /// <summary>Back to <paramref name="path"/> (a path of this site, without a query) with a notice saying what happened.</summary>
    public static RedirectHttpResult Back(string path, string notice) => TypedResults.Redirect($"{path}?notice={Uri.EscapeDataString(notice)}");

    public static ContentHttpResult Page(string html, int status = StatusCodes.Status200OK) => TypedResults.Content(html, Html, statusCode: status);

    public static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);
}

/// <summary>A checked dashboard POST: its session and form, or the refusal to answer with.</summary>
public sealed record DashboardAction(DashboardSession? Session, IFormCollection? Form, IResult? Refusal);
