using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using Hub.Functions.Durable;
using Hub.Functions.Incidents;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The dashboard (docs/dashboard.md), first pages: sign-in with an API key (or the App Service principal when the hub
/// trusts it), sign-out, and the open incidents with acknowledge for operators and developers. The routes are
/// anonymous to the API guard: each checks its own session and sends a page without one to sign-in; every POST checks
/// the session's anti-forgery token.
/// </summary>
public sealed class DashboardFunctions(
    DashboardSessions sessions, ApiKeys keys, ApiCallerAuthenticator authenticator, IncidentApi incidents, DurableStorage storage, AggregateStore store)
{
    private const string Html = "text/html; charset=utf-8";

    [Function("Dashboard_Incidents")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: open incidents (HTML); without a session, a redirect to /sign-in")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    public async Task<IResult> IncidentsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Session(request) is not { } session)
        {
            return TypedResults.Redirect("/sign-in?return=%2F");
        }

        await storage.EnsureAsync(ct);
        var open = new List<IncidentState>();
        await foreach (IncidentState state in StateRows.AllAsync<IncidentState>(store, IncidentDecider.AggregateKind, ct))
        {
            if (state.IsOpen && state.Kind == IncidentKinds.Urgent)
            {
                open.Add(state);
            }
        }

        return Page(DashboardHtml.Incidents(session, [.. open.OrderBy(i => i.OpenedAt).ThenBy(i => i.Ticket)], request.Query["notice"].FirstOrDefault()));
    }

    [Function("Dashboard_SignInPage")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The sign-in form")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public static IResult SignInPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sign-in")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Page(DashboardHtml.SignIn(null, Local(request.Query["return"].FirstOrDefault())));
    }

    [Function("Dashboard_SignIn")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Exchange an API key for a dashboard session cookie")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status401Unauthorized)]
    public async Task<IResult> SignInAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sign-in")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        IFormCollection? form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        string returnTo = Local(form?["return"].FirstOrDefault());
        if (keys.Find(form?["key"].FirstOrDefault()) is not { } caller)
        {
            return Page(DashboardHtml.SignIn("That API key is not valid.", returnTo), StatusCodes.Status401Unauthorized);
        }

        sessions.Start(request.HttpContext.Response, caller);
        return TypedResults.Redirect(returnTo);
    }

    [Function("Dashboard_SignOut")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("End the dashboard session")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public async Task<IResult> SignOutAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sign-out")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await ActionAsync(request, ct) is { Refusal: { } refusal })
        {
            return refusal;
        }

        sessions.End(request.HttpContext.Response);
        return TypedResults.Redirect("/sign-in");
    }

    [Function("Dashboard_Acknowledge")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Acknowledge an incident from the dashboard (operators, developers; anti-forgery token required)")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public async Task<IResult> AcknowledgeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{ticket:long}/acknowledge")] HttpRequest request, long ticket, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        (DashboardSession? session, IResult? refusal) = await ActionAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!session!.Caller.Has(Role.Operator) && !session.Caller.Has(Role.Developer))
        {
            return Forbidden("Acknowledging needs the operator or developer role.");
        }

        await storage.EnsureAsync(ct);
        request.HttpContext.SetApiCaller(session.Caller);
        var answer = await incidents.DecideAsync(ticket, request.HttpContext, null, actor => new AcknowledgeIncident(actor, "acknowledged on the dashboard"), ct);
        string notice = answer.Refusal is ProblemHttpResult problem ? $"#{ticket} was not acknowledged: {problem.ProblemDetails.Detail}" : $"#{ticket} acknowledged.";
        return TypedResults.Redirect($"/?notice={Uri.EscapeDataString(notice)}");
    }

    /// <summary>The session of a POST whose form carries its anti-forgery token; else the refusal (a redirect without a session, 403 without the token).</summary>
    private async Task<(DashboardSession? Session, IResult? Refusal)> ActionAsync(HttpRequest request, CancellationToken ct)
    {
        if (Session(request) is not { } session)
        {
            return (null, TypedResults.Redirect("/sign-in"));
        }

        IFormCollection? form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        return form is not null && DashboardSessions.TokenMatches(session, form)
            ? (session, null)
            : (session, Forbidden("The form's anti-forgery token is missing or wrong; reload the page and try again."));
    }

    /// <summary>The session cookie's caller, or the App Service principal when the hub trusts it (no cookie then).</summary>
    private DashboardSession? Session(HttpRequest request) =>
        sessions.Read(request)
        ?? (authenticator.TrustsAppServicePrincipal && !request.Headers.ContainsKey(ApiCallerAuthenticator.KeyHeader) && authenticator.Authenticate(request.HttpContext) is { } principal
            ? sessions.ForPrincipal(principal)
            : null);

    /// <summary>Only a path of this site ("/..." but not "//..."), so sign-in never redirects elsewhere.</summary>
    private static string Local(string? path) =>
        path is { Length: > 0 } p && p[0] == '/' && !p.StartsWith("//", StringComparison.Ordinal) && !p.StartsWith("/\\", StringComparison.Ordinal) ? p : "/";

    private static ContentHttpResult Page(string html, int status = StatusCodes.Status200OK) => TypedResults.Content(html, Html, statusCode: status);

    private static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);
}
