using System.Globalization;
using System.Text.Json;
using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Intake.Mail;

/// <summary>
/// Decides what one received mail does: correspondence or a comment on the ticket it threads to ("[hub #N]" tag,
/// then In-Reply-To/References, then an open monitoring ticket), else a new ticket routed by recipient and subject.
/// It reserves nothing itself: a new ticket needs a number the intake reserves only when asked (<see cref="NeedsNumber"/>).
/// A new mail that a rule into the changes queue matched is a deployment request: after its ticket, the
/// <c>change.mail</c> effect opens a change on it (<see cref="ChangeMailRequest"/>).
/// </summary>
public sealed class MailThreadDecider(HubConfiguration config) : IDecider<MailThreadState, MailThreadCommand, MailThreadEvent>
{
    public const string AggregateKind = "mail-thread";

    /// <summary>The refusal that tells the intake to reserve a ticket number and try again.</summary>
    public const string NeedsNumber = "A new ticket is needed for this mail and no ticket number was reserved.";

    public const string EmptyBody = "(empty message)";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateKind;

    public MailThreadState Initial => new(null, MailThreadState.Unseen);

    public Result<Decision<MailThreadEvent>> Decide(MailThreadState state, MailThreadCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Recorded)
        {
            return Reject(state.Ticket is { } t ? $"This mail is already recorded on ticket #{t}." : "This mail was already recorded and set aside.");
        }

        return command switch
        {
            ReceiveMail r => Receive(r),
            _ => Reject($"Unknown mail command {command.GetType().Name}."),
        };
    }

    public MailThreadState Evolve(MailThreadState state, MailThreadEvent @event) => @event switch
    {
        MailTicketOpened o => new MailThreadState(o.Ticket, "opened"),
        MailThreaded t => new MailThreadState(t.Ticket, "threaded"),
        MailSetAside => new MailThreadState(null, "set-aside"),
        _ => state,
    };

    public Result<MailThreadCommand> OnTimer(MailThreadState state, TimerFired timer) =>
        Result<MailThreadCommand>.Rejected("Mail threads set no timers.");

    public string? StateName(MailThreadState state) => state?.Status;

    private Result<Decision<MailThreadEvent>> Receive(ReceiveMail r)
    {
        MailSummary mail = r.Mail;
        var actor = new Actor(mail.From, Role.Integrator);
        bool monitoring = MailRouting.IsMonitoringSender(mail.From, config.Mail);
        string body = string.IsNullOrWhiteSpace(mail.Body) && mail.Attachments.Count == 0 ? EmptyBody : mail.Body;

        (long Ticket, string By)? thread = r.TaggedTicket is { } tagged ? (tagged, "tag")
            : r.ReplyTicket is { } reply ? (reply, "reply")
            : monitoring && r.MonitoringTicket is { } open ? (open, "monitoring")
            : null;
        if (thread is { } found)
        {
            // Staff, monitors and the hub's own mail never become correspondence a customer would receive.
            bool asComment = mail.FromHub || monitoring || MailRouting.IsInternalSender(mail.From, config);
            TicketCommand update = asComment
                ? new Comment(actor, body, mail.MessageId, mail.Attachments)
                : new Correspond(actor, body, mail.From, mail.MessageId, mail.Attachments, mail.AutoSubmitted, Reopen: true);
            return Ok(new MailThreaded(found.Ticket, found.By, asComment, r.ReceivedAt), TicketEffect(found.Ticket, update, actor));
        }

        if (mail.FromHub)
        {
            return Ok(new MailSetAside("The hub's own mail came back and names no ticket; it never opens one.", r.ReceivedAt));
        }

        if (r.CandidateNumber <= 0)
        {
            return Reject(NeedsNumber);
        }

        (string queue, string? rule, IReadOnlyDictionary<string, string> fields, string? note, MailRule? matched) = monitoring
            ? (config.Mail.MonitoringQueue, null, new Dictionary<string, string>(), null, null)
            : Route(mail, body);
        var create = new CreateTicket(
            actor,
            r.CandidateNumber,
            queue,
            mail.Subject,
            note is null ? body : $"{body}\n\n[hub] {note}",
            Requestors: monitoring ? [] : [mail.From],
            Cc: monitoring ? [] : [.. mail.Cc.Where(a => a != mail.From && !MailRouting.IsHubAddress(a, config))],
            CustomFields: fields,
            Source: monitoring ? "mail:monitoring" : "mail",
            MessageId: mail.MessageId,
            Internal: monitoring,
            AutoSubmitted: mail.AutoSubmitted,
            Attachments: mail.Attachments);
        var effects = new List<SideEffect>
        {
            AggregateCommand.Create<TicketCommand>(TicketDecider.AggregateKind, r.CandidateNumber.ToString(CultureInfo.InvariantCulture), create, actor.Name),
        };
        if (monitoring)
        {
            effects.Add(AggregateCommand.Effect<MailMonitorCommand>(
                MailMonitorDecider.AggregateKind, MailRouting.MonitoringKey(mail.From, mail.Subject), new MonitoringTicketOpened(r.CandidateNumber), actor.Name));
        }

        // After the ticket's create (an ordered row, run first): the effect reads the catalog, which a decider may not.
        if (matched is not null && IsDeploymentRequest(matched))
        {
            ChangeMailRequest request = ChangeMailRequest.Read(r.CandidateNumber, mail.From, mail.Subject, body, note);
            effects.Add(new SideEffect(ChangeMailRequest.EffectKind, JsonSerializer.Serialize(request, Json)));
        }

        return Result<Decision<MailThreadEvent>>.Ok(new Decision<MailThreadEvent>([new MailTicketOpened(r.CandidateNumber, queue, rule, r.ReceivedAt)], effects));
    }

    /// <summary>
    /// Route, then rule, then default. A queue with required custom fields takes their values from "Name: value" lines
    /// of the body; when they are missing or invalid the mail falls back to the routed (or default) queue with a note,
    /// because a ticket the queue would refuse is a lost mail.
    /// </summary>
    private (string Queue, string? Rule, IReadOnlyDictionary<string, string> Fields, string? Note, MailRule? Matched) Route(MailSummary mail, string body)
    {
        string? routed = MailRouting.RoutedQueue(mail, config.Mail);
        string fallback = routed ?? config.Mail.DefaultQueue;
        MailRule? rule = MailRouting.Rule(mail.Subject, routed, config.Mail);
        if (rule is null)
        {
            return (fallback, null, Fields(fallback, body) ?? new Dictionary<string, string>(), null, null);
        }

        if (Fields(rule.Queue, body) is { } fields)
        {
            return (rule.Queue, rule.Name, fields, null, rule);
        }

        string required = string.Join(", ", config.Queue(rule.Queue)?.CustomFields.Where(f => f.Required).Select(f => f.Name) ?? []);
        return (fallback, null, Fields(fallback, body) ?? new Dictionary<string, string>(),
            $"Rule '{rule.Name}' matched, but queue {rule.Queue} needs valid {required} lines (e.g. \"Service: portal\") in the mail.", rule);
    }

    /// <summary>The classification of a deployment request: a rule sending mail to the changes queue (ProductionDeploy).</summary>
    private static bool IsDeploymentRequest(MailRule rule) =>
        string.Equals(rule.Queue, ChangeSettings.DefaultQueue, StringComparison.OrdinalIgnoreCase);

    // Custom fields only for queues that require some; null when the queue would refuse the values found.
    private Dictionary<string, string>? Fields(string queueName, string body)
    {
        QueueDefinition? queue = config.Queue(queueName);
        if (queue is null || !queue.CustomFields.Any(f => f.Required))
        {
            return [];
        }

        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in body.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string name = line[..colon].Trim();
            if (queue.CustomFields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) is { } field
                && !found.ContainsKey(field.Name))
            {
                found[field.Name] = line[(colon + 1)..].Trim();
            }
        }

        Result<IReadOnlyDictionary<string, string?>> valid = CustomFieldRules.Validate(
            queue, new Dictionary<string, string>(), found.ToDictionary(f => f.Key, f => (string?)f.Value));
        return valid.IsOk ? valid.Value!.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!) : null;
    }

    private static SideEffect TicketEffect(long number, TicketCommand command, Actor actor) =>
        AggregateCommand.Effect(TicketDecider.AggregateKind, number.ToString(CultureInfo.InvariantCulture), command, actor.Name);

    private static Result<Decision<MailThreadEvent>> Ok(MailThreadEvent @event, params SideEffect[] effects) =>
        Result<Decision<MailThreadEvent>>.Ok(new Decision<MailThreadEvent>([@event], effects));

    private static Result<Decision<MailThreadEvent>> Reject(string reason) => Result<Decision<MailThreadEvent>>.Rejected(reason);
}
