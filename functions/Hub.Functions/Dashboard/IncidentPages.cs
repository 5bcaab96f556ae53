using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
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
/// The dashboard's home, the open incidents (docs/dashboard.md), and what an operator or developer does from it:
/// acknowledge, record the SCRUM, post a status update. Each action is the same command as the incident API's, with
/// the session's caller as the actor; the page comes back with a notice saying what happened or why not.
/// </summary>
public sealed class IncidentPages(DashboardGuard guard, IncidentApi incidents, DurableStorage storage, AggregateStore store, TimeProvider clock)
{
    /// <summary>
    /// The route of <c>/</c>: an optional parameter that only the empty path satisfies. The Functions host does not run a
    /// function whose route is <c>""</c> (azure-functions-host#4638, Azure-Functions#2473: it answers its home page, or
    /// 204); an optional parameter reaches the site root there, as ASP.NET routing on the standalone host does.
    /// The OpenAPI document lists it as <c>/</c> (HubOpenApi).
    /// </summary>
    public const string RootRoute = "{" + RootParameter + ":maxlength(0)?}";

    /// <summary>The name of <see cref="RootRoute"/>'s parameter, always empty.</summary>
    public const string RootParameter = "root";

    [Function("Dashboard_Incidents")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: open incidents (HTML); without a session, a redirect to /sign-in")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    public async Task<IResult> IncidentsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = RootRoute)] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        await storage.EnsureAsync(ct);
        var open = new List<IncidentState>();
        await foreach (IncidentState state in StateRows.AllAsync<IncidentState>(store, IncidentDecider.AggregateKind, ct))
        {
            if (state.IsOpen)
            {
                open.Add(state);
            }
        }

        IncidentState[] ordered = [.. open.OrderBy(i => i.Kind == IncidentKinds.Urgent ? 0 : 1).ThenBy(i => i.OpenedAt).ThenBy(i => i.Ticket)];
        return DashboardGuard.Page(IncidentsHtml.Page(session, ordered, request.Query["notice"].FirstOrDefault()));
    }

    [Function("Dashboard_Acknowledge")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Acknowledge an incident from the dashboard (operators, developers; anti-forgery token required)")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public Task<IResult> AcknowledgeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{ticket:long}/acknowledge")] HttpRequest request, long ticket, CancellationToken ct) =>
        ActAsync(request, ticket, "acknowledged", (actor, _) => new AcknowledgeIncident(actor, "acknowledged on the dashboard"), ct);

    [Function("Dashboard_Scrum")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Record an incident's SCRUM from the dashboard: attendees (comma-separated) and plan (operators, developers; anti-forgery token required)")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public Task<IResult> ScrumAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{ticket:long}/scrum")] HttpRequest request, long ticket, CancellationToken ct) =>
        ActAsync(request, ticket, "SCRUM recorded", (actor, form) => new RecordScrum(
            actor,
            clock.GetUtcNow(),
            [.. (form["attendees"].FirstOrDefault() ?? "").Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            form["plan"].FirstOrDefault()?.Trim() ?? ""), ct);

    [Function("Dashboard_PostStatus")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Post an incident status update from the dashboard (operators, developers; anti-forgery token required)")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public Task<IResult> PostStatusAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{ticket:long}/status")] HttpRequest request, long ticket, CancellationToken ct) =>
        ActAsync(request, ticket, "status posted", (actor, form) => new PostStatus(actor, form["text"].FirstOrDefault()?.Trim() ?? ""), ct);

    private async Task<IResult> ActAsync(HttpRequest request, long ticket, string done, Func<Actor, IFormCollection, IncidentCommand> command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        DashboardAction action = await guard.ActionAsync(request, ct);
        if (action.Refusal is { } refusal)
        {
            return refusal;
        }

        if (!IncidentsHtml.MayAct(action.Session!))
        {
            return DashboardGuard.Forbidden("This needs the operator or developer role.");
        }

        await storage.EnsureAsync(ct);
        request.HttpContext.SetApiCaller(action.Session!.Caller);
        var answer = await incidents.DecideAsync(ticket, request.HttpContext, null, actor => command(actor, action.Form!), ct);
        return DashboardGuard.Back("/", answer.Refusal is ProblemHttpResult problem ? $"#{ticket}: not {done}: {problem.ProblemDetails.Detail}" : $"#{ticket} {done}.");
    }
}
