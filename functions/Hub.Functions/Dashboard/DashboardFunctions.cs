using Hub.Functions.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Dashboard;

/// <summary>
/// Dashboard sign-in with an API key (or the App Service principal when the hub trusts it, with no sign-in at all) and
/// sign-out (docs/dashboard.md). The routes are anonymous to the API guard: each page checks its own session
/// (<see cref="DashboardGuard"/>).
/// </summary>
public sealed class DashboardFunctions(DashboardSessions sessions, DashboardGuard guard, ApiKeys keys)
{
    [Function("Dashboard_SignInPage")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The sign-in form")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public static IResult SignInPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sign-in")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DashboardGuard.Page(SignInHtml(null, Local(request.Query["return"].FirstOrDefault())));
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
            return DashboardGuard.Page(SignInHtml("That API key is not valid.", returnTo), StatusCodes.Status401Unauthorized);
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
        if (await guard.ActionAsync(request, ct) is { Refusal: { } refusal })
        {
            return refusal;
        }

        sessions.End(request.HttpContext.Response);
        return TypedResults.Redirect("/sign-in");
    }

    private static string SignInHtml(string? error, string returnTo) => DashboardHtml.Page("Sign in", null, $"""
        <h1>Sign in</h1>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{DashboardHtml.E(error)}</p>")}
        <form method="post" action="/sign-in">
          <input type="hidden" name="return" value="{DashboardHtml.E(returnTo)}">
          <label for="key">API key</label>
          <input type="password" id="key" name="key" autocomplete="current-password" required autofocus>
          <p><button type="submit">Sign in</button></p>
        </form>
        """);

    /// <summary>Only a path of this site ("/..." but not "//..."), so sign-in never redirects elsewhere.</summary>
    private static string Local(string? path) =>
        path is { Length: > 0 } p && p[0] == '/' && !p.StartsWith("//", StringComparison.Ordinal) && !p.StartsWith("/\\", StringComparison.Ordinal) ? p : "/";
}
