using System.Globalization;
using Azure.Data.Tables;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Storage.Tickets;

namespace Hub.Functions.Tickets;

/// <summary>
/// The ticket API: list, read with history, create, change (PATCH, guarded by If-Match on the ticket's ETag),
/// comment and correspond. Reads need any role; changes need operator, integrator, developer or app-admin.
/// A refusal by the ticket's rules is a 422 problem with the reason; a stale If-Match is 412.
/// </summary>
public static class TicketEndpoints
{
    private static readonly Role[] Readers = [Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin];
    private static readonly Role[] Writers = [Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin];

    public static RouteGroupBuilder MapTicketEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder tickets = app.MapGroup("/api/tickets").WithTags("Tickets");
        tickets.MapGet("/", ListAsync).RequireRole(Readers)
            .WithSummary("List tickets, filtered by queue, status, owner and subject text, paged by continuation").Produces<TicketList>();
        tickets.MapGet("/{number:long}", GetAsync).RequireRole(Readers)
            .WithSummary("A ticket with its whole history and time in each status; ETag for If-Match").Produces<TicketDetail>().ProducesProblem(404);
        tickets.MapPost("/", CreateAsync).RequireRole(Writers)
            .WithSummary("Open a ticket; an Idempotency-Key header makes a retried create apply once").Produces<TicketDetail>(201).ProducesValidationProblem(422);
        tickets.MapPatch("/{number:long}", PatchAsync).RequireRole(Writers)
            .WithSummary("Change status (through the lifecycle), owner, priority, subject, custom fields, watchers; If-Match").ProducesProblem(412).ProducesProblem(422);
        tickets.MapPost("/{number:long}/comments", CommentAsync).RequireRole(Writers)
            .WithSummary("Add an internal comment: staff only, never shown to requestors").ProducesProblem(422);
        tickets.MapPost("/{number:long}/correspondence", CorrespondAsync).RequireRole(Writers)
            .WithSummary("Add a public reply: requestors and Cc are told").ProducesProblem(422);
        tickets.MapPost("/{number:long}/escalations", EscalateAsync).RequireRole(Role.Operator, Role.AppAdmin)
            .WithSummary("Needs technical resolution: an internal copy in ProductionDefect, linked both ways, announced to map-support").ProducesProblem(422);
        return tickets;
    }

    private static async Task<IResult> ListAsync(
        AggregateStore store, DurableStorage storage, string? queue, string? status, string? owner, string? q, int? pageSize, string? continuation, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        int size = Math.Clamp(pageSize ?? 50, 1, 500);
        // The filter runs on the state rows; a page is filled from as many table pages as it takes.
        (List<TicketSummary> items, string? token) = await StateRows.PageAsync(
            store,
            TicketDecider.AggregateKind,
            null,
            json => TicketJson.State(json) is var ticket && Matches(ticket, queue, status, owner, q) ? TicketSummary.From(ticket) : null,
            size,
            continuation,
            ct);
        return TypedResults.Ok(new TicketList(items, token));
    }

    private static async Task<IResult> GetAsync(
        long number, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, DurableStorage storage, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        string id = Id(number);
        AggregateView<TicketState>? view = await tickets.GetAsync(id, ct);
        if (view is null || !view.State.Exists)
        {
            return NotFound(number);
        }

        var history = new List<EventRecord>();
        string? token = null;
        do
        {
            HistoryPage page = await tickets.HistoryAsync(id, token, 500, ct);
            history.AddRange(page.Events);
            token = page.ContinuationToken;
        }
        while (token is not null);

        response.Headers.ETag = ETag(view.Sequence);
        return TypedResults.Ok(new TicketDetail(
            view.State,
            view.State.TimeInStatusAt(clock.GetUtcNow()).ToDictionary(p => p.Key, p => p.Value.TotalSeconds),
            history.Select(e => new HistoryEntry(e.Sequence, e.Type, e.Actor, e.At, e.FromState, e.ToState, System.Text.Json.JsonDocument.Parse(e.Data).RootElement)).ToList()));
    }

    private static async Task<IResult> CreateAsync(
        NewTicket body, HttpContext http, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, TicketNumbers numbers, DurableStorage storage, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Queue))
        {
            return Invalid("queue", "required");
        }

        await storage.EnsureAsync(ct);
        Actor actor = ActorFor(http.GetRequiredApiCaller(), null);
        long number = await numbers.NextAsync(ct);
        var command = new CreateTicket(
            actor, number, body.Queue, body.Subject ?? "", body.Body ?? "", body.Requestors, body.Cc, body.Priority, body.CustomFields, Source: "api");
        CommandOutcome<TicketState> outcome = await tickets.HandleAsync(Id(number), IdempotencyKey(http), command, actor.Name, ct);
        return outcome.Status switch
        {
            CommandStatus.Rejected => Refused(outcome.Reason!),
            _ => TypedResults.Created($"/api/tickets/{Id(number)}", TicketSummary.From(outcome.State)),
        };
    }

    private static async Task<IResult> PatchAsync(
        long number, TicketPatch body, HttpContext http, HubConfiguration config,
        AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, DurableStorage storage, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        string id = Id(number);
        AggregateView<TicketState>? view = await tickets.GetAsync(id, ct);
        if (view is null || !view.State.Exists)
        {
            return NotFound(number);
        }

        string ifMatch = http.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*" && !ifMatch.Split(',', StringSplitOptions.TrimEntries).Contains(ETag(view.Sequence)))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status412PreconditionFailed, title: "Ticket changed",
                detail: $"Ticket #{number} is at {ETag(view.Sequence)}, not {http.Request.Headers.IfMatch}; read it again and reapply the change.");
        }

        ApiCaller caller = http.GetRequiredApiCaller();
        var commands = new List<TicketCommand>();
        Actor actor = ActorFor(caller, null);
        if (body.Subject is not null)
        {
            commands.Add(new SetSubject(actor, body.Subject));
        }

        if (body.Priority is { } priority)
        {
            commands.Add(new SetPriority(actor, priority));
        }

        if (body.Owner is not null)
        {
            commands.Add(new SetOwner(actor, body.Owner.Length == 0 ? null : body.Owner));
        }

        if (body.CustomFields is not null)
        {
            commands.Add(new SetCustomFields(actor, body.CustomFields));
        }

        foreach (WatcherChange w in body.AddWatchers ?? [])
        {
            commands.Add(new AddWatcher(actor, w.Kind, w.Address));
        }

        foreach (WatcherChange w in body.RemoveWatchers ?? [])
        {
            commands.Add(new RemoveWatcher(actor, w.Kind, w.Address));
        }

        if (body.Status is not null)
        {
            commands.Add(new ChangeStatus(ActorFor(caller, TransitionRole(config, view.State, body.Status)), body.Status, body.Reason));
        }

        if (commands.Count == 0)
        {
            return Invalid("body", "names no change (status, owner, priority, subject, customFields, addWatchers, removeWatchers)");
        }

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

        http.Response.Headers.ETag = ETag(last!.Sequence);
        return TypedResults.Ok(TicketSummary.From(last.State));
    }

    private static Task<IResult> CommentAsync(long number, TicketText body, HttpContext http, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, DurableStorage storage, CancellationToken ct) =>
        TrafficAsync(number, body, http, tickets, storage, actor => new Comment(actor, body.Body!), ct);

    private static Task<IResult> CorrespondAsync(long number, TicketText body, HttpContext http, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, DurableStorage storage, CancellationToken ct) =>
        TrafficAsync(number, body, http, tickets, storage, actor => new Correspond(actor, body.Body!, actor.Name), ct);

    // Needs technical resolution: the internal copy is created by the ticket.escalate side effect.
    private static Task<IResult> EscalateAsync(long number, Escalate body, HttpContext http, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, DurableStorage storage, CancellationToken ct) =>
        TrafficAsync(number, new TicketText("escalate"), http, tickets, storage, actor => new NeedsTechnicalResolution(actor, body.TargetQueue ?? "ProductionDefect"), ct);

    private static async Task<IResult> TrafficAsync(
        long number, TicketText body, HttpContext http, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, DurableStorage storage,
        Func<Actor, TicketCommand> command, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Body))
        {
            return Invalid("body", "required");
        }

        await storage.EnsureAsync(ct);
        if (await tickets.GetAsync(Id(number), ct) is not { State.Exists: true })
        {
            return NotFound(number);
        }

        Actor actor = ActorFor(http.GetRequiredApiCaller(), null);
        CommandOutcome<TicketState> outcome = await tickets.HandleAsync(Id(number), IdempotencyKey(http), command(actor), actor.Name, ct);
        return outcome.Status == CommandStatus.Rejected ? Refused(outcome.Reason!) : TypedResults.Accepted($"/api/tickets/{Id(number)}");
    }

    // The role a ChangeStatus acts with: the transition's own role when the caller has it, else the caller's strongest.
    private static Role? TransitionRole(HubConfiguration config, TicketState ticket, string to)
    {
        string? lifecycle = config.Queue(ticket.Queue)?.Lifecycle;
        return config.Lifecycle(lifecycle ?? "")?.Transitions
            .FirstOrDefault(t => string.Equals(t.From, ticket.Status, StringComparison.OrdinalIgnoreCase) && string.Equals(t.To, to, StringComparison.OrdinalIgnoreCase))?.Role;
    }

    private static Actor ActorFor(ApiCaller caller, Role? wanted)
    {
        if (wanted is { } role && caller.Roles.Contains(role))
        {
            return new Actor(caller.Name, role);
        }

        Role strongest = caller.Roles.Contains(Role.AppAdmin) ? Role.AppAdmin : caller.Roles.Max();
        return new Actor(caller.Name, strongest);
    }

    private static bool Matches(TicketState t, string? queue, string? status, string? owner, string? q) =>
        (queue is null || string.Equals(t.Queue, queue, StringComparison.OrdinalIgnoreCase))
        && (status is null || string.Equals(t.Status, status, StringComparison.OrdinalIgnoreCase))
        && (owner is null || string.Equals(t.Owner, owner, StringComparison.OrdinalIgnoreCase))
        && (q is null || t.Subject.Contains(q, StringComparison.OrdinalIgnoreCase));

    private static string? IdempotencyKey(HttpContext http) =>
        http.Request.Headers["Idempotency-Key"] is { Count: > 0 } key ? "api:" + key.ToString() : null;

    private static string Id(long number) => number.ToString(CultureInfo.InvariantCulture);

    private static string ETag(long sequence) => $"\"{sequence.ToString(CultureInfo.InvariantCulture)}\"";

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(long number) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such ticket", detail: $"Ticket #{number} does not exist.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refused(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: reason);

    private static IResult Invalid(string field, string rule) =>
        Intake.IntakeProblems.Invalid($"{field}: {rule}", [new Intake.IntakeProblems.FieldError(field, rule)]);
}
