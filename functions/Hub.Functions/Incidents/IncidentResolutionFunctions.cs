using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Functions.Http;
using Hub.Functions.Idempotency;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Incidents;

/// <summary>
/// The incident API (docs/incidents.md), part two: the playbook from the SCRUM to the post-mortem (operator or
/// developer), and the bug-report hand-off (operator). A step the incident's state does not allow is a 409 with the
/// reason, a field that breaks a rule a 422 naming it (<see cref="IncidentResults"/>).
/// </summary>
public sealed class IncidentResolutionFunctions(
    IncidentApi api,
    AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
    DurableStorage storage,
    HubHostInfo host,
    IdempotentCreates idempotent,
    TimeProvider clock)
{
    [Function("Incidents_Scrum")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Record the SCRUM (time, attendees, plan): the gate before start-resolution and resolve")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [Consumes(typeof(ScrumBody), "application/json")]
    public Task<IResult> ScrumAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/scrum")] HttpRequest request, long ticket, CancellationToken ct) =>
        api.SendAsync<ScrumBody>(request, ticket, (body, actor) => new RecordScrum(actor, body.At ?? clock.GetUtcNow(), body.Attendees ?? [], body.Plan ?? ""), ct);

    [Function("Incidents_DelegateTask")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Delegate a task (the Tech Lead only); the assignee is mailed")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [Consumes(typeof(TaskBody), "application/json")]
    public Task<IResult> DelegateTaskAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/tasks")] HttpRequest request, long ticket, CancellationToken ct) =>
        api.SendAsync<TaskBody>(request, ticket, (body, actor) => new DelegateTask(actor, body.Task ?? "", body.Assignee ?? ""), ct);

    [Function("Incidents_PostStatus")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Post a status update to the Recipient List; restarts the keep-chasing clock")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [Consumes(typeof(StatusBody), "application/json")]
    public Task<IResult> PostStatusAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/status")] HttpRequest request, long ticket, CancellationToken ct) =>
        api.SendAsync<StatusBody>(request, ticket, (body, actor) => new PostStatus(actor, body.Text ?? ""), ct);

    [Function("Incidents_StartResolution")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Start resolution work; refused before the SCRUM, with the reason")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IResult> StartResolutionAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/start-resolution")] HttpRequest request, long ticket, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return api.SendAsync(ticket, request.HttpContext, actor => new StartResolution(actor), ct);
    }

    [Function("Incidents_Resolve")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Resolve; refused before the SCRUM; schedules the post-mortem in working days")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [Consumes(typeof(ResolveBody), "application/json")]
    public Task<IResult> ResolveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/resolve")] HttpRequest request, long ticket, CancellationToken ct) =>
        api.SendAsync<ResolveBody>(request, ticket, (body, actor) => new ResolveIncident(actor, body.Summary ?? ""), ct);

    [Function("Incidents_PostMortem")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Close the post-mortem review with its document link")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [Consumes(typeof(PostMortemBody), "application/json")]
    public Task<IResult> ClosePostMortemAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/post-mortem")] HttpRequest request, long ticket, CancellationToken ct) =>
        api.SendAsync<PostMortemBody>(request, ticket, (body, actor) => new ClosePostMortem(actor, body.DocumentLink ?? ""), ct);

    [Function("Incidents_HandOff")]
    [IdempotentCreate]
    [RequireRole(Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Bug report hand-off: notify tier managers, record Recipient List and Team, transfer through a connector")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [Consumes(typeof(HandOffBody), "application/json")]
    public async Task<IResult> HandOffAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/hand-off")] HttpRequest request, long ticket, CancellationToken ct)
    {
        JsonBody<HandOffBody> read = await RequestJson.ReadAsync<HandOffBody>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        HandOffBody body = read.Value!;
        await storage.EnsureAsync(ct);
        if (await tickets.GetAsync(IncidentResults.Id(ticket), ct) is not { State.Exists: true } view)
        {
            return IncidentResults.NotFound(ticket);
        }

        // From configuration, never from the request: the link is also how a retried hand-off finds its RT ticket again.
        string link = new Uri(host.PublicUrl, $"/api/tickets/{IncidentResults.Id(ticket)}").AbsoluteUri;
        string? description = await DescriptionAsync(IncidentResults.Id(ticket), ct);
        return await idempotent.CreateAsync(request, read.Raw, inbox => api.DecideAsync(ticket, request.HttpContext, inbox, actor => new HandOff(
            actor, ticket, view.State.Queue, view.State.Subject, body.Team ?? "", body.Connector, body.Tier, body.Recipients, body.Text, link, body.ExternalQueue,
            description, view.State.Requestors, view.State.Cc, Service: view.State.Alert?.Service ?? view.State.CustomFields.GetValueOrDefault("Service")),
            ct, created: false, mayCreate: true), ct);
    }

    /// <summary>The body the ticket was opened with (its first event, <see cref="TicketCreated"/>): the reporter's description.</summary>
    private async Task<string?> DescriptionAsync(string id, CancellationToken ct)
    {
        HistoryPage first = await tickets.HistoryAsync(id, pageSize: 1, cancellationToken: ct);
        if (first.Events is not [{ Type: nameof(TicketCreated) } created])
        {
            return null;
        }

        using var data = System.Text.Json.JsonDocument.Parse(created.Data);
        return data.RootElement.TryGetProperty("body", out System.Text.Json.JsonElement body) && body.ValueKind == System.Text.Json.JsonValueKind.String ? body.GetString() : null;
    }
}
