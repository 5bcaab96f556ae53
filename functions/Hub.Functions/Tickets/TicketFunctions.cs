using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Idempotency;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Storage.Tickets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using static Hub.Functions.Tickets.TicketAnswers;
using static Hub.Functions.Http.ApiAnswers;

namespace Hub.Functions.Tickets;

/// <summary>
/// The ticket API: list, read with history, create, change (PATCH, guarded by If-Match on the ticket's ETag),
/// comment, correspond and escalate. Reads need any role; changes need integrator, developer, operator or app-admin.
/// A refusal by the ticket's rules is a 422 problem with the reason; a stale If-Match is 412.
/// </summary>
public sealed class TicketFunctions(
    AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, AggregateStore store, TicketIndex index, TicketNumbers numbers,
    DurableStorage storage, HubConfiguration config, IdempotentCreates idempotent, TimeProvider clock)
{
    [Function("Tickets_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("List tickets, filtered by queue, status, owner and subject text, paged by continuation")]
    [ProducesResponseType<TicketList>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tickets")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WholeNumber("pageSize", out int? pageSize) is { } invalid)
        {
            return invalid;
        }

        if (request.Continuation(out long? after) is { } badContinuation)
        {
            return badContinuation;
        }

        await storage.EnsureAsync(ct);
        (List<TicketSummary> items, string? token) = await PageAsync(store, index, TicketFilter.From(request), Math.Clamp(pageSize ?? 50, 1, 500), after, ct);
        return TypedResults.Ok(new TicketList(items, token));
    }

    /// <summary>
    /// One page of the tickets <paramref name="filter"/> matches, in number order after <paramref name="after"/>: the
    /// list API's and the dashboard's. The filter runs first on the <see cref="TicketIndex"/> (status, queue, owner,
    /// subject), so only the states of the page are read; then on each state read, which also covers rows stored
    /// before the columns.
    /// </summary>
    public static async Task<(List<TicketSummary> Items, string? Continuation)> PageAsync(
        AggregateStore store, TicketIndex index, TicketFilter filter, int size, long? after, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(filter);
        IReadOnlyList<long> candidates = await index.CandidatesAsync(filter, after, ct);
        return await StateRows.FillPageAsync(
            store, TicketDecider.AggregateKind, candidates, json => TicketJson.State(json) is var ticket && filter.Matches(ticket) ? TicketSummary.From(ticket) : null, size, ct);
    }

    [Function("Tickets_Get")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("A ticket with its whole history and time in each status; ETag for If-Match")]
    [ProducesResponseType<TicketDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tickets/{number:long}")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        string id = Id(number);
        AggregateView<TicketState>? view = await tickets.GetAsync(id, ct);
        if (view is null || !view.State.Exists)
        {
            return NotFound(number);
        }

        IReadOnlyList<EventRecord> history = await tickets.AllHistoryAsync(id, ct);

        request.HttpContext.Response.Headers.ETag = ETag(view.Sequence);
        return TypedResults.Ok(new TicketDetail(
            view.State,
            view.State.TimeInStatusAt(clock.GetUtcNow()).ToDictionary(p => p.Key, p => p.Value.TotalSeconds),
            history.Select(e => new HistoryEntry(e.Sequence, e.Type, e.Actor, e.At, e.FromState, e.ToState, System.Text.Json.JsonDocument.Parse(e.Data).RootElement)).ToList()));
    }

    [Function("Tickets_Create")]
    [IdempotentCreate]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Open a ticket; an Idempotency-Key header makes a retried create apply once")]
    [Consumes(typeof(NewTicket), "application/json")]
    [ProducesResponseType<TicketSummary>(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> CreateAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tickets")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<NewTicket> read = await RequestJson.ReadAsync<NewTicket>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        NewTicket body = read.Value!;
        // Every problem of the ticket's fields at once, before a ticket number is spent on a refusal.
        if (TicketDecider.CheckNew(config, body.Queue, body.Priority, body.Requestors, body.Cc, body.CustomFields) is { Count: > 0 } problems)
        {
            return Hub.Functions.Intake.IntakeProblems.Invalid(
                string.Join("; ", problems.Select(p => $"{p.Field}: {p.Rule}")), problems.Select(p => new Hub.Functions.Intake.IntakeProblems.FieldError(p.Field, p.Rule)));
        }

        await storage.EnsureAsync(ct);
        Actor actor = ActorFor(request.HttpContext.GetRequiredApiCaller());
        return await idempotent.CreateNumberedAsync(request, read.Raw, numbers, async (number, inbox) =>
        {
            var command = new CreateTicket(
                actor, number, body.Queue!, body.Subject ?? "", body.Body ?? "", body.Requestors, body.Cc, body.Priority, body.CustomFields, Source: "api");
            CommandOutcome<TicketState> outcome = await tickets.HandleAsync(Id(number), inbox, command, actor.Name, ct);
            return outcome.Status == CommandStatus.Rejected
                ? CreateAnswer.Refused(Refused(outcome.Reason!))
                : CreateAnswer.Created($"/api/tickets/{Id(number)}", TicketSummary.From(outcome.State));
        }, ct);
    }

    [Function("Tickets_Change")]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Change status (through the lifecycle), owner, priority, subject, custom fields, watchers; If-Match")]
    [Consumes(typeof(TicketPatch), "application/json")]
    [ProducesResponseType<TicketSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> ChangeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/tickets/{number:long}")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<TicketPatch> read = await RequestJson.ReadAsync<TicketPatch>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        await storage.EnsureAsync(ct);
        string id = Id(number);
        AggregateView<TicketState>? view = await tickets.GetAsync(id, ct);
        if (view is null || !view.State.Exists)
        {
            return NotFound(number);
        }

        string ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && !IfMatchAdmits(ifMatch, ETag(view.Sequence)))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status412PreconditionFailed, title: "Ticket changed",
                detail: $"Ticket #{number} is at {ETag(view.Sequence)}, not {ifMatch}; read it again and reapply the change.");
        }

        List<TicketCommand> commands = TicketPatchCommands.For(read.Value!, request.HttpContext.GetRequiredApiCaller(), view.State, config);
        if (commands.Count == 0)
        {
            return Invalid("body", "names no change (status, owner, priority, subject, customFields, addWatchers, removeWatchers)");
        }

        // Each change is its own transaction; a refusal stops there and says which went in before it.
        var applied = new List<string>();
        CommandOutcome<TicketState>? last = null;
        foreach (TicketCommand command in commands)
        {
            last = await tickets.HandleAsync(id, null, command, command.Actor.Name, ct);
            if (last.Status == CommandStatus.Rejected)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Change refused", detail: last.Reason,
                    extensions: new Dictionary<string, object?> { ["applied"] = applied });
            }

            applied.Add(command.GetType().Name);
        }

        request.HttpContext.Response.Headers.ETag = ETag(last!.Sequence);
        return TypedResults.Ok(TicketSummary.From(last.State));
    }

    [Function("Tickets_Comment")]
    [IdempotentCreate]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Add an internal comment: staff only, never shown to requestors")]
    [Consumes(typeof(TicketText), "application/json")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> CommentAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tickets/{number:long}/comments")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<TicketText> read = await RequestJson.ReadAsync<TicketText>(request, ct);
        return read.Problem ?? await TrafficAsync(request, read.Raw, number, read.Value!.Body, actor => new Comment(actor, read.Value.Body!), ct);
    }

    [Function("Tickets_Correspond")]
    [IdempotentCreate]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Add a public reply: requestors and Cc are told")]
    [Consumes(typeof(TicketText), "application/json")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> CorrespondAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tickets/{number:long}/correspondence")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<TicketText> read = await RequestJson.ReadAsync<TicketText>(request, ct);
        return read.Problem ?? await TrafficAsync(request, read.Raw, number, read.Value!.Body, actor => new Correspond(actor, read.Value.Body!, actor.Name), ct);
    }

    // Needs technical resolution: the internal copy is created by the ticket.escalate side effect.
    [Function("Tickets_Escalate")]
    [IdempotentCreate]
    [RequireRole(Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Needs technical resolution: an internal copy in ProductionDefect, linked both ways, announced to map-support")]
    [Consumes(typeof(Escalate), "application/json")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> EscalateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tickets/{number:long}/escalations")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<Escalate> read = await RequestJson.ReadAsync<Escalate>(request, ct);
        return read.Problem
            ?? await TrafficAsync(request, read.Raw, number, "escalate", actor => new NeedsTechnicalResolution(actor, read.Value!.TargetQueue ?? "ProductionDefect"), ct);
    }

    private async Task<IResult> TrafficAsync(
        HttpRequest request, ReadOnlyMemory<byte> raw, long number, string? text, Func<Actor, TicketCommand> command, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Invalid("body", "required");
        }

        await storage.EnsureAsync(ct);
        if (await tickets.GetAsync(Id(number), ct) is not { State.Exists: true })
        {
            return NotFound(number);
        }

        Actor actor = ActorFor(request.HttpContext.GetRequiredApiCaller());
        return await idempotent.CreateAsync(request, raw, async inbox =>
        {
            CommandOutcome<TicketState> outcome = await tickets.HandleAsync(Id(number), inbox, command(actor), actor.Name, ct);
            return outcome.Status == CommandStatus.Rejected ? CreateAnswer.Refused(Refused(outcome.Reason!)) : CreateAnswer.Accepted($"/api/tickets/{Id(number)}");
        }, ct);
    }
}
