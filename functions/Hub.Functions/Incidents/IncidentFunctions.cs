using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Idempotency;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Storage.Tickets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Incidents;

/// <summary>
/// The incident API (docs/incidents.md), part one: list, read, open, acknowledge, Recipient List, restart check.
/// Reads need any role; the playbook's steps need operator or developer; opening needs operator. Refusals are
/// problem details (<see cref="IncidentResults"/>). The rest of the playbook is <see cref="IncidentResolutionFunctions"/>.
/// </summary>
public sealed class IncidentFunctions(
    IncidentApi api,
    AggregateStore store,
    DurableStorage storage,
    AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
    TicketNumbers numbers,
    IdempotentCreates idempotent)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Function("Incidents_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Incidents")]
    [EndpointSummary("List incidents (status=open for the open ones): age, level, Tech Lead; paged by pageSize and continuation")]
    [ProducesResponseType<IncidentList>(StatusCodes.Status200OK)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/incidents")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WholeNumber("pageSize", out int? pageSize) is { } badSize)
        {
            return badSize;
        }

        if (request.Continuation(out long? after) is { } badContinuation)
        {
            return badContinuation;
        }

        string? status = request.Text("status");
        await storage.EnsureAsync(ct);
        int size = Math.Clamp(pageSize ?? 50, 1, 500);
        // The status filter runs in Table storage on the state rows' StateName; a page is filled from as many table pages
        // as it takes, and the continuation resumes where it stopped (like the ticket list).
        string? where = status is not { Length: > 0 } ? null
            : string.Equals(status, "open", StringComparison.OrdinalIgnoreCase)
                ? StateRows.StateNameIn(IncidentStatus.Paging, IncidentStatus.Acknowledged, IncidentStatus.Resolving, IncidentStatus.HandingOff)
                : StateRows.StateNameIn(status.ToLowerInvariant());
        (List<IncidentSummary> items, string? token) = await StateRows.PageAsync(
            store,
            IncidentDecider.AggregateKind,
            where,
            json => JsonSerializer.Deserialize<IncidentState>(json, Json) is { Exists: true } incident ? IncidentSummary.From(incident) : null,
            size,
            after,
            ct);
        return TypedResults.Ok(new IncidentList([.. items.OrderByDescending(i => i.OpenedAt)], token));
    }

    [Function("Incidents_Get")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Incidents")]
    [EndpointSummary("An incident with its pages, deadlines (live timers) and whole history")]
    [ProducesResponseType<IncidentDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/incidents/{ticket:long}")] HttpRequest request, long ticket, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        string id = IncidentResults.Id(ticket);
        AggregateView<IncidentState>? view = await api.Incidents.GetAsync(id, ct);
        if (view is not { State.Exists: true })
        {
            return IncidentResults.NotFound(ticket);
        }

        // The view was read with its snapshot, live timers included: no second read of the state row.
        AggregateSnapshot? snapshot = view.Basis?.Snapshot;
        List<IncidentHistoryEntry> history = [.. (await api.Incidents.AllHistoryAsync(id, ct)).Select(e => new IncidentHistoryEntry(
            e.Sequence, e.Type, e.Actor, e.At, e.FromState, e.ToState, JsonDocument.Parse(e.Data).RootElement))];

        return TypedResults.Ok(new IncidentDetail(
            view.State, snapshot?.Timers.ToDictionary(t => t.Key, t => t.Value.DueAt) ?? [], history));
    }

    [Function("Incidents_Open")]
    [IdempotentCreate]
    [RequireRole(Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Open an incident for a ticket, or open an Urgent ProductionDefect ticket that opens one")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [Consumes(typeof(NewIncident), "application/json")]
    public async Task<IResult> OpenAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents")] HttpRequest request, CancellationToken ct)
    {
        JsonBody<NewIncident> read = await RequestJson.ReadAsync<NewIncident>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        NewIncident body = read.Value!;
        HttpContext http = request.HttpContext;
        await storage.EnsureAsync(ct);
        Actor actor = IncidentApi.ActorFor(http);
        if (body.Ticket is { } number)
        {
            if (await tickets.GetAsync(IncidentResults.Id(number), ct) is not { State.Exists: true } view)
            {
                return ApiAnswers.Invalid("ticket", $"ticket #{number} does not exist");
            }

            TicketState t = view.State;
            var open = new OpenIncident(
                actor, number, t.Queue, t.Subject, body.Service ?? t.Alert?.Service ?? t.CustomFields.GetValueOrDefault("Service"),
                body.AffectsEndUsers ?? string.Equals(t.CustomFields.GetValueOrDefault("AffectsEndUsers"), "true", StringComparison.OrdinalIgnoreCase),
                t.Requestors.Count > 0 ? t.Requestors[0] : null);
            return await idempotent.CreateAsync(request, read.Raw, inbox => api.DecideAsync(number, http, inbox, _ => open, ct, created: true), ct);
        }

        if (string.IsNullOrWhiteSpace(body.Subject))
        {
            return ApiAnswers.Invalid("subject", "required when no ticket is named (the hub opens an Urgent ProductionDefect ticket for it)");
        }

        // No ticket yet: open an Urgent ticket; its creation opens the incident (the same path as an Urgent alert).
        var fields = new Dictionary<string, string> { [TicketDecider.ClassificationField] = nameof(AlertClassification.Urgent) };
        if (body.Service is { Length: > 0 } service)
        {
            fields["Service"] = service;
        }

        if (body.AffectsEndUsers is { } endUsers)
        {
            fields["AffectsEndUsers"] = endUsers ? "true" : "false";
        }

        return await idempotent.CreateNumberedAsync(request, read.Raw, numbers, async (ticket, inbox) =>
        {
            var create = new CreateTicket(
                actor, ticket, body.Queue ?? "ProductionDefect", body.Subject, body.Body ?? "", body.Requestors, CustomFields: fields, Source: "incident-api");
            CommandOutcome<TicketState> outcome = await tickets.HandleAsync(IncidentResults.Id(ticket), inbox, create, actor.Name, ct);
            return outcome.Status == CommandStatus.Rejected
                ? CreateAnswer.Refused(TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: outcome.Reason))
                : CreateAnswer.Created($"/api/incidents/{IncidentResults.Id(ticket)}", new NewIncidentTicket(ticket));
        }, ct);
    }

    [Function("Incidents_Acknowledge")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Acknowledge: stops the escalation chain and starts the keep-chasing clock")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [Consumes(typeof(IncidentNote), "application/json", IsOptional = true)]
    public async Task<IResult> AcknowledgeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/acknowledge")] HttpRequest request, long ticket, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The note is optional: a request without a body (no Content-Length, or 0) acknowledges too.
        string? note = null;
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
        {
            JsonBody<IncidentNote> body = await RequestJson.ReadAsync<IncidentNote>(request, ct);
            if (body.Problem is { } problem)
            {
                return problem;
            }

            note = body.Value!.Note;
        }

        return await api.SendAsync(ticket, request.HttpContext, actor => new AcknowledgeIncident(actor, note), ct);
    }

    [Function("Incidents_Recipients")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Add or remove Recipient List addresses; recorded on the ticket")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [Consumes(typeof(RecipientsPatch), "application/json")]
    public Task<IResult> EditRecipientsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/incidents/{ticket:long}/recipients")] HttpRequest request, long ticket, CancellationToken ct) =>
        api.SendAsync<RecipientsPatch>(request, ticket, (body, actor) => new EditRecipients(actor, body.Add, body.Remove), ct);

    [Function("Incidents_RestartCheck")]
    [RequireRole(Role.Developer, Role.Operator)]
    [Tags("Incidents")]
    [EndpointSummary("Record whether a restart was attempted and whether it helped (the hub restarts nothing)")]
    [ProducesResponseType<IncidentSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [Consumes(typeof(RestartCheckBody), "application/json")]
    public async Task<IResult> RestartCheckAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/incidents/{ticket:long}/restart-check")] HttpRequest request, long ticket, CancellationToken ct)
    {
        JsonBody<RestartCheckBody> read = await RequestJson.ReadAsync<RestartCheckBody>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        RestartCheckBody body = read.Value!;
        return body.Attempted is not { } attempted
            ? ApiAnswers.Invalid("attempted", "required: true or false")
            : await api.SendAsync(ticket, request.HttpContext, actor => new RecordRestartCheck(actor, attempted, body.Helped, body.Note), ct);
    }
}
