using System.Globalization;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Releases;
using Hub.Domain.Tickets;

namespace Hub.Domain.Intake.Tickets;

/// <summary>
/// Maps an external ticket to one local ticket. <c>created</c> opens it (once: the aggregate remembers the number);
/// later events command only what changed since the last event. The ticket is commanded through
/// <see cref="AggregateCommand"/> side effects, so each command applies exactly once.
/// </summary>
public sealed class ExternalTicketDecider(HubConfiguration config) : IDecider<ExternalTicketState, ExternalTicketCommand, ExternalTicketEvent>
{
    public const string AggregateKind = "external-ref";

    /// <summary>The refusal that tells the intake to reserve a ticket number and try again.</summary>
    public const string NeedsNumber = "A new ticket is needed for this external ticket and no ticket number was reserved.";

    public string Kind => AggregateKind;

    public ExternalTicketState Initial => ExternalTicketState.Initial;

    public static string IdOf(string system, string externalId) => $"{system}:{externalId}";

    /// <summary>The actor a ticket system's changes are made as: an integrator, as the sample lifecycles expect.</summary>
    public static Actor ActorOf(string system) => new($"tickets:{system}", Role.Integrator);

    public Result<Decision<ExternalTicketEvent>> Decide(ExternalTicketState state, ExternalTicketCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        (Plan? plan, IReadOnlyList<TicketHookError> errors) = ExternalTicketRules.Check(state, command, config);
        if (plan is null)
        {
            return Result<Decision<ExternalTicketEvent>>.Rejected(string.Join("; ", errors));
        }

        Result<Decision<ExternalTicketEvent>> decided = command switch
        {
            ApplyTicketEvent a when state.Ticket is null => Open(a, plan, config.Releases),
            ApplyTicketEvent a => Sync(state, a, plan),
            RecordReleaseTransition r => Record(state, r, config.Releases),
            _ => Result<Decision<ExternalTicketEvent>>.Rejected($"Unknown external ticket command {command.GetType().Name}."),
        };
        // Each command sent on carries the delivery, so what the ticket (or release) makes of it lands on the delivery's record.
        return decided.Map(d => d with { Effects = [.. d.Effects.Select(e => AggregateCommand.ForDelivery(e, command.DeliveryId))] });
    }

    public ExternalTicketState Evolve(ExternalTicketState state, ExternalTicketEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            ExternalTicketOpened o => state with
            {
                Ticket = o.Number, Queue = o.Queue, Subject = o.Subject, Status = o.Status, Priority = o.Priority,
                CustomFields = o.CustomFields, Events = state.Events + 1,
            },
            ExternalTicketSynced s => state with
            {
                Subject = s.Subject ?? state.Subject,
                Status = s.Status ?? state.Status,
                Priority = s.Priority ?? state.Priority,
                CustomFields = Merge(state.CustomFields, s.CustomFields),
                Events = state.Events + 1,
            },
            ReleaseTransitionRecorded r => state with { LastTransition = r, Events = state.Events + 1 },
            _ => state,
        };
    }

    public Result<ExternalTicketCommand> OnTimer(ExternalTicketState state, TimerFired timer) =>
        Result<ExternalTicketCommand>.Rejected("External tickets set no timers.");

    public string? StateName(ExternalTicketState state) => state?.Ticket is null ? null : "mapped";

    private static Result<Decision<ExternalTicketEvent>> Open(ApplyTicketEvent a, Plan plan, ReleaseWorkflowDefinition releases)
    {
        if (a.CandidateNumber <= 0)
        {
            return Result<Decision<ExternalTicketEvent>>.Rejected(NeedsNumber);
        }

        Actor actor = ActorOf(a.System);
        ExternalTicketSnapshot ticket = a.Event.Ticket;
        string subject = ticket.Subject ?? $"{a.System} ticket {ticket.Id}";
        var fields = plan.Fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!, StringComparer.Ordinal);
        var create = new CreateTicket(
            actor,
            a.CandidateNumber,
            plan.Queue.Name,
            subject,
            CreateBody(a),
            Requestors: ticket.Requestors,
            Priority: ticket.Priority,
            CustomFields: fields,
            Source: actor.Name,
            ExternalRef: new ExternalRef(a.System, ticket.Id, ticket.Url),
            // Staff learn of the new ticket; the external system has already answered its requestors.
            Internal: true);
        string id = Id(a.CandidateNumber);
        var effects = new List<SideEffect> { AggregateCommand.Create<TicketCommand>(TicketDecider.AggregateKind, id, create, actor.Name) };
        if (plan.Status is { } status && !string.Equals(status, plan.Initial, StringComparison.Ordinal))
        {
            effects.Add(AggregateCommand.Effect<TicketCommand>(TicketDecider.AggregateKind, id, new ChangeStatus(actor, status, $"{a.System} status"), actor.Name));
        }

        if (string.Equals(plan.Queue.Name, releases.Queue, StringComparison.OrdinalIgnoreCase))
        {
            // A ticket opened in the release queue is a release: the workflow starts with the ticket that exists now.
            var release = new OpenRelease(
                ReleaseActorOf(a.System, releases),
                a.CandidateNumber,
                subject,
                ticket.Requestors.Count > 0 ? ticket.Requestors[0] : null,
                fields.TryGetValue("Emergency", out string? emergency) && string.Equals(emergency, "true", StringComparison.OrdinalIgnoreCase),
                AssociatedMajorRelease: fields.GetValueOrDefault("AssociatedMajorRelease"),
                SyncProtocol: Uri.TryCreate(fields.GetValueOrDefault("SyncURL"), UriKind.Absolute, out Uri? syncUri) ? syncUri.Scheme : null,
                SyncUrl: fields.GetValueOrDefault("SyncURL"),
                ReleaseXmlUrl: fields.GetValueOrDefault("ReleaseXml"),
                ExternalRef: new ReleaseExternalRef(a.System, ticket.Id, ticket.Url),
                TicketExists: true);
            if (ReleaseDecider.Invalid(release) is { } refusal)
            {
                // The release would be refused where nobody sees it: say why on the ticket (staff see it, and fix the
                // ticket's fields in the ticket system), and open no release.
                string note = $"This ticket is in the release queue {releases.Queue}, but the hub could not open a release for it: "
                    + $"{refusal} Fix the {a.System} ticket (subject, SyncURL, ReleaseXml, AssociatedMajorRelease) and submit the release again.";
                effects.Add(AggregateCommand.Effect<TicketCommand>(TicketDecider.AggregateKind, id, new Comment(actor, note), actor.Name));
            }
            else
            {
                effects.Add(AggregateCommand.Effect<ReleaseCommand>(ReleaseDecider.AggregateKind, id, release, actor.Name));
            }
        }

        var opened = new ExternalTicketOpened(a.CandidateNumber, plan.Queue.Name, subject, plan.Status ?? plan.Initial, ticket.Priority, fields, a.ReceivedAt);
        return Result<Decision<ExternalTicketEvent>>.Ok(new Decision<ExternalTicketEvent>([opened], effects));
    }

    private static Result<Decision<ExternalTicketEvent>> Sync(ExternalTicketState state, ApplyTicketEvent a, Plan plan)
    {
        Actor actor = ActorOf(a.System);
        ExternalTicketSnapshot ticket = a.Event.Ticket;
        string id = Id(state.Ticket!.Value);
        var commands = new List<TicketCommand>();

        string? subject = ticket.Subject is { } s && !string.Equals(s, state.Subject, StringComparison.Ordinal) ? s : null;
        if (subject is not null)
        {
            commands.Add(new SetSubject(actor, subject));
        }

        int? priority = ticket.Priority is { } p && p != state.Priority ? p : null;
        if (priority is not null)
        {
            commands.Add(new SetPriority(actor, priority.Value));
        }

        var fields = plan.Fields
            .Where(f => !(state.CustomFields.TryGetValue(f.Key, out string? known) ? string.Equals(known, f.Value, StringComparison.Ordinal) : f.Value is null))
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        if (fields.Count > 0)
        {
            commands.Add(new SetCustomFields(actor, fields));
        }

        string? status = plan.Status is { } st && !string.Equals(st, state.Status, StringComparison.OrdinalIgnoreCase) ? st : null;
        if (status is not null)
        {
            commands.Add(new ChangeStatus(actor, status, $"{a.System} status"));
        }

        if (a.Event.Comment is { } comment)
        {
            commands.Add(comment.Internal
                ? new Comment(actor, CommentBody(a.System, comment))
                // Public traffic is recorded as correspondence but not mailed: the external system is the one talking
                // to its requestors, and a second mail from the hub would duplicate it (and invite a loop).
                : new Correspond(actor, comment.Body, comment.Author ?? actor.Name, AutoSubmitted: true));
        }

        var synced = new ExternalTicketSynced(a.Event.Kind, subject, status, priority, fields, a.Event.Comment is not null, a.ReceivedAt);
        return Result<Decision<ExternalTicketEvent>>.Ok(new Decision<ExternalTicketEvent>(
            [synced],
            [.. commands.Select(c => AggregateCommand.Effect(TicketDecider.AggregateKind, id, c, actor.Name))]));
    }

    private static Result<Decision<ExternalTicketEvent>> Record(ExternalTicketState state, RecordReleaseTransition r, ReleaseWorkflowDefinition releases)
    {
        Actor actor = ActorOf(r.System);
        ReleaseTransition t = r.Transition;
        var recorded = new ReleaseTransitionRecorded(t.Current, t.Previous, t.Emergency, r.ReceivedAt);
        if (string.Equals(state.Queue, releases.Queue, StringComparison.OrdinalIgnoreCase))
        {
            // The release applies the move if the DESIGN 5.2 table allows it, else records the refusal on the release and the ticket.
            var move = new ExternalTransition(ReleaseActorOf(r.System, releases), r.System, t.Current, t.Previous, t.Emergency);
            return Result<Decision<ExternalTicketEvent>>.Ok(new Decision<ExternalTicketEvent>(
                [recorded], [AggregateCommand.Effect<ReleaseCommand>(ReleaseDecider.AggregateKind, Id(state.Ticket!.Value), move, actor.Name)]));
        }

        string note = string.Create(
            CultureInfo.InvariantCulture,
            $"{r.System} reports the release moved {t.Previous} -> {t.Current}{(t.Emergency ? " (emergency release)" : "")}. Recorded only: ticket #{state.Ticket} is in {state.Queue}, not the release queue {releases.Queue}.");
        return Result<Decision<ExternalTicketEvent>>.Ok(new Decision<ExternalTicketEvent>(
            [recorded],
            [AggregateCommand.Effect<TicketCommand>(TicketDecider.AggregateKind, Id(state.Ticket!.Value), new Comment(actor, note), actor.Name)]));
    }

    /// <summary>A ticket system acts in the release workflow for the teams <c>releases.teams</c> lists it in (as <c>tickets:&lt;system&gt;</c>).</summary>
    public static ReleaseActor ReleaseActorOf(string system, ReleaseWorkflowDefinition releases)
    {
        string name = ActorOf(system).Name;
        return new ReleaseActor(name, ReleaseTeams.Named(name, releases));
    }

    private static string CreateBody(ApplyTicketEvent a)
    {
        ExternalTicketSnapshot ticket = a.Event.Ticket;
        var body = new StringBuilder();
        if (a.Event.Comment is { } comment)
        {
            body.Append(CommentBody(a.System, comment)).Append("\n\n");
        }

        body.Append(CultureInfo.InvariantCulture, $"Opened from {a.System} ticket {ticket.Id}: {ticket.Url}\n");
        return body.ToString();
    }

    private static string CommentBody(string system, ExternalComment comment) =>
        comment.Author is null ? comment.Body : $"{comment.Author} wrote in {system}:\n\n{comment.Body}";

    private static string Id(long number) => number.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> known, IReadOnlyDictionary<string, string?> changes)
    {
        var merged = new Dictionary<string, string>(known, StringComparer.Ordinal);
        foreach ((string name, string? value) in changes)
        {
            if (value is null)
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value;
            }
        }

        return merged;
    }
}
