using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Storage.Tickets;

namespace Hub.Functions.Incidents;

/// <summary>
/// The incident API (docs/incidents.md): open, read, acknowledge, Recipient List, restart check, SCRUM, delegation,
/// status updates, start-resolution, resolve, post-mortem, bug-report hand-off. Reads need any role; the playbook's
/// steps need operator or developer; opening and hand-off need operator. Refusals are problem details: a field
/// that breaks a rule is a 422 naming it, a step the incident's state does not allow is a 409 with the reason.
/// </summary>
public static partial class IncidentEndpoints
{
    private static readonly Role[] Readers = [Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin];
    private static readonly Role[] Responders = [Role.Developer, Role.Operator];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder incidents = app.MapGroup("/api/incidents").WithTags("Incidents");
        incidents.MapGet("/", ListAsync).RequireRole(Readers)
            .WithSummary("List incidents (status=open for the open ones): age, level, Tech Lead; paged by pageSize and continuation").Produces<IncidentList>();
        incidents.MapGet("/{ticket:long}", GetAsync).RequireRole(Readers)
            .WithSummary("An incident with its pages, deadlines (live timers) and whole history").Produces<IncidentDetail>().ProducesProblem(404);
        incidents.MapPost("/", OpenAsync).RequireRole(Role.Operator)
            .WithSummary("Open an incident for a ticket, or open an Urgent ProductionDefect ticket that opens one").Produces<IncidentSummary>(201).ProducesProblem(409).ProducesValidationProblem(422);
        incidents.MapPost("/{ticket:long}/acknowledge", (long ticket, IncidentNote? body, HttpContext http, IncidentApi api, CancellationToken ct) =>
            api.SendAsync(ticket, http, actor => new AcknowledgeIncident(actor, body?.Note), ct)).RequireRole(Responders)
            .WithSummary("Acknowledge: stops the escalation chain and starts the keep-chasing clock").ProducesProblem(409);
        incidents.MapPatch("/{ticket:long}/recipients", (long ticket, RecipientsPatch body, HttpContext http, IncidentApi api, CancellationToken ct) =>
            api.SendAsync(ticket, http, actor => new EditRecipients(actor, body.Add, body.Remove), ct)).RequireRole(Responders)
            .WithSummary("Add or remove Recipient List addresses; recorded on the ticket").ProducesValidationProblem(422);
        incidents.MapPost("/{ticket:long}/restart-check", RestartCheckAsync).RequireRole(Responders)
            .WithSummary("Record whether a restart was attempted and whether it helped (the hub restarts nothing)").ProducesValidationProblem(422);
        incidents.MapPost("/{ticket:long}/scrum", ScrumAsync).RequireRole(Responders)
            .WithSummary("Record the SCRUM (time, attendees, plan): the gate before start-resolution and resolve").ProducesValidationProblem(422);
        incidents.MapPost("/{ticket:long}/tasks", (long ticket, TaskBody body, HttpContext http, IncidentApi api, CancellationToken ct) =>
            api.SendAsync(ticket, http, actor => new DelegateTask(actor, body.Task ?? "", body.Assignee ?? ""), ct)).RequireRole(Responders)
            .WithSummary("Delegate a task (the Tech Lead only); the assignee is mailed").ProducesProblem(409);
        incidents.MapPost("/{ticket:long}/status", (long ticket, StatusBody body, HttpContext http, IncidentApi api, CancellationToken ct) =>
            api.SendAsync(ticket, http, actor => new PostStatus(actor, body.Text ?? ""), ct)).RequireRole(Responders)
            .WithSummary("Post a status update to the Recipient List; restarts the keep-chasing clock").ProducesValidationProblem(422);
        incidents.MapPost("/{ticket:long}/start-resolution", (long ticket, HttpContext http, IncidentApi api, CancellationToken ct) =>
            api.SendAsync(ticket, http, actor => new StartResolution(actor), ct)).RequireRole(Responders)
            .WithSummary("Start resolution work; refused before the SCRUM, with the reason").ProducesProblem(409);
        incidents.MapPost("/{ticket:long}/resolve", (long ticket, ResolveBody body, HttpContext http, IncidentApi api, CancellationToken ct) =>
            api.SendAsync(ticket, http, actor => new ResolveIncident(actor, body.Summary ?? ""), ct)).RequireRole(Responders)
            .WithSummary("Resolve; refused before the SCRUM; schedules the post-mortem in working days").ProducesProblem(409);
        incidents.MapPost("/{ticket:long}/post-mortem", (long ticket, PostMortemBody body, HttpContext http, IncidentApi api, CancellationToken ct) =>
            api.SendAsync(ticket, http, actor => new ClosePostMortem(actor, body.DocumentLink ?? ""), ct)).RequireRole(Responders)
            .WithSummary("Close the post-mortem review with its document link").ProducesValidationProblem(422);
        incidents.MapPost("/{ticket:long}/hand-off", HandOffAsync).RequireRole(Role.Operator)
            .WithSummary("Bug report hand-off: notify tier managers, record Recipient List and Team, transfer through a connector").ProducesProblem(404).ProducesValidationProblem(422);
        return incidents;
    }

    private static async Task<IResult> ListAsync(AggregateStore store, DurableStorage storage, string? status, int? pageSize, string? continuation, CancellationToken ct)
    {
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
            continuation,
            ct);
        return TypedResults.Ok(new IncidentList([.. items.OrderByDescending(i => i.OpenedAt)], token));
    }

    private static async Task<IResult> GetAsync(long ticket, IncidentApi api, AggregateStore store, DurableStorage storage, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        AggregateView<IncidentState>? view = await api.Incidents.GetAsync(Id(ticket), ct);
        if (view is not { State.Exists: true })
        {
            return NotFound(ticket);
        }

        AggregateSnapshot? snapshot = await store.LoadAsync(api.Incidents.PartitionOf(Id(ticket)), ct);
        var history = new List<IncidentHistoryEntry>();
        string? token = null;
        do
        {
            HistoryPage page = await api.Incidents.HistoryAsync(Id(ticket), token, 500, ct);
            history.AddRange(page.Events.Select(e => new IncidentHistoryEntry(
                e.Sequence, e.Type, e.Actor, e.At, e.FromState, e.ToState, System.Text.Json.JsonDocument.Parse(e.Data).RootElement)));
            token = page.ContinuationToken;
        }
        while (token is not null);

        return TypedResults.Ok(new IncidentDetail(
            view.State, snapshot?.Timers.ToDictionary(t => t.Key, t => t.Value.DueAt) ?? [], history));
    }

    private static async Task<IResult> OpenAsync(
        NewIncident body, HttpContext http, IncidentApi api, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
        TicketNumbers numbers, DurableStorage storage, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        Actor actor = IncidentApi.ActorFor(http);
        if (body.Ticket is { } number)
        {
            if (await tickets.GetAsync(Id(number), ct) is not { State.Exists: true } view)
            {
                return Invalid("ticket", $"ticket #{number} does not exist");
            }

            TicketState t = view.State;
            var open = new OpenIncident(
                actor, number, t.Queue, t.Subject, body.Service ?? t.Alert?.Service ?? t.CustomFields.GetValueOrDefault("Service"),
                body.AffectsEndUsers ?? string.Equals(t.CustomFields.GetValueOrDefault("AffectsEndUsers"), "true", StringComparison.OrdinalIgnoreCase),
                t.Requestors.Count > 0 ? t.Requestors[0] : null);
            return await api.SendAsync(number, http, _ => open, ct, created: true);
        }

        if (string.IsNullOrWhiteSpace(body.Subject))
        {
            return Invalid("subject", "required when no ticket is named (the hub opens an Urgent ProductionDefect ticket for it)");
        }

        // No ticket yet: open an Urgent ticket; its creation opens the incident (the same path as an Urgent alert).
        long ticket = await numbers.NextAsync(ct);
        var fields = new Dictionary<string, string> { [TicketDecider.ClassificationField] = nameof(AlertClassification.Urgent) };
        if (body.Service is { Length: > 0 } service)
        {
            fields["Service"] = service;
        }

        if (body.AffectsEndUsers is { } endUsers)
        {
            fields["AffectsEndUsers"] = endUsers ? "true" : "false";
        }

        var create = new CreateTicket(
            actor, ticket, body.Queue ?? "ProductionDefect", body.Subject, body.Body ?? "", body.Requestors, CustomFields: fields, Source: "incident-api");
        CommandOutcome<TicketState> outcome = await tickets.HandleAsync(Id(ticket), IncidentApi.IdempotencyKey(http), create, actor.Name, ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: outcome.Reason);
        }

        return TypedResults.Created($"/api/incidents/{Id(ticket)}", new { ticket });
    }

    private static Task<IResult> RestartCheckAsync(long ticket, RestartCheckBody body, HttpContext http, IncidentApi api, CancellationToken ct) =>
        body.Attempted is not { } attempted
            ? Task.FromResult(Invalid("attempted", "required: true or false"))
            : api.SendAsync(ticket, http, actor => new RecordRestartCheck(actor, attempted, body.Helped, body.Note), ct);

    private static Task<IResult> ScrumAsync(long ticket, ScrumBody body, HttpContext http, IncidentApi api, TimeProvider clock, CancellationToken ct) =>
        api.SendAsync(ticket, http, actor => new RecordScrum(actor, body.At ?? clock.GetUtcNow(), body.Attendees ?? [], body.Plan ?? ""), ct);

    private static async Task<IResult> HandOffAsync(
        long ticket, HandOffBody body, HttpContext http, IncidentApi api, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
        DurableStorage storage, Hosting.HubHostInfo host, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        if (await tickets.GetAsync(Id(ticket), ct) is not { State.Exists: true } view)
        {
            return NotFound(ticket);
        }

        // From configuration, never from the request: the link is also how a retried hand-off finds its RT ticket again.
        string link = new Uri(host.PublicUrl, $"/api/tickets/{Id(ticket)}").AbsoluteUri;
        return await api.SendAsync(ticket, http, actor => new HandOff(
            actor, ticket, view.State.Queue, view.State.Subject, body.Team ?? "", body.Connector, body.Tier, body.Recipients, body.Text, link, body.ExternalQueue), ct, created: false, mayCreate: true);
    }

    internal static string Id(long ticket) => ticket.ToString(CultureInfo.InvariantCulture);

    internal static IResult NotFound(long ticket) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such incident", detail: $"Ticket #{ticket} has no incident.");

    internal static IResult Invalid(string field, string rule) =>
        Intake.IntakeProblems.Invalid($"{field}: {rule}", [new Intake.IntakeProblems.FieldError(field, rule)]);

    /// <summary>A refusal: "field: rule" reasons are input errors (422 naming the field); the rest are state conflicts (409).</summary>
    internal static IResult Refused(string reason)
    {
        Match field = FieldReason().Match(reason);
        return field.Success
            ? Intake.IntakeProblems.Invalid(reason, [new Intake.IntakeProblems.FieldError(field.Groups[1].Value, field.Groups[2].Value)])
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible now", detail: reason);
    }

    [GeneratedRegex("^([a-z][A-Za-z]*(?: and [a-z][A-Za-z]*)?): (.+)$")]
    private static partial Regex FieldReason();
}
