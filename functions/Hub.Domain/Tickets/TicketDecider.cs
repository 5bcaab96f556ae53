using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;

namespace Hub.Domain.Tickets;

/// <summary>
/// The ticket aggregate (kind "ticket", id = the ticket number): queues, lifecycles, watchers, correspondence and
/// comments, custom fields, links and alert follow-up, validated against <see cref="HubConfiguration"/>.
/// </summary>
public sealed partial class TicketDecider(HubConfiguration config) : IDecider<TicketState, TicketCommand, TicketEvent>
{
    /// <summary>Side effect kind: send the mail described by a <see cref="TicketNotification"/> payload.</summary>
    public const string NotifyEffect = "ticket.notify";

    /// <summary>Side effect kind: create the internal copy described by an <see cref="EscalationPayload"/>.</summary>
    public const string EscalateEffect = "ticket.escalate";

    public const int MaxSubjectLength = 200;

    public const string NoSubject = "(no subject)";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string AggregateKind = "ticket";

    public string Kind => AggregateKind;

    public TicketState Initial => TicketState.None;

    public Result<Decision<TicketEvent>> Decide(TicketState state, TicketCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);

        if (command is CreateTicket create)
        {
            return Create(state, create, now);
        }

        if (!state.Exists)
        {
            return Reject($"The ticket does not exist; {command.GetType().Name} needs a created ticket.");
        }

        QueueDefinition? queue = config.Queue(state.Queue);
        LifecycleDefinition? lifecycle = queue is null ? null : config.Lifecycle(queue.Lifecycle);
        if (queue is null || lifecycle is null)
        {
            return Reject($"Queue '{state.Queue}' of ticket #{state.Number} or its lifecycle is no longer configured.");
        }

        return command switch
        {
            Correspond c => Correspond(state, queue, lifecycle, c, now),
            Comment c => Comment(state, queue, c, now),
            ChangeStatus c => ChangeStatus(state, queue, lifecycle, c, now),
            SetOwner c => SetOwner(state, c, now),
            SetPriority c => SetPriority(state, c, now),
            SetSubject c => SetSubject(state, c, now),
            SetCustomFields c => SetCustomFields(state, queue, c, now),
            AddWatcher c => AddWatcher(state, c, now),
            RemoveWatcher c => RemoveWatcher(state, c, now),
            AddLink c => AddLink(state, c, now),
            AddExternalRef c => AddExternalRef(state, c, now),
            AttachFiles c => AttachFiles(c, now),
            AlertFired c => AlertFired(state, lifecycle, c, now),
            AlertResolved c => AlertResolved(state, queue, lifecycle, c, now),
            NeedsTechnicalResolution c => NeedsTechnicalResolution(state, lifecycle, c, now),
            _ => Reject($"Unknown ticket command {command.GetType().Name}."),
        };
    }

    public Result<TicketCommand> OnTimer(TicketState state, TimerFired timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return Result<TicketCommand>.Rejected($"Tickets set no timers; timer '{timer.Name}' is dropped.");
    }

    public string? StateName(TicketState state) => state is { Exists: true } ? state.Status : null;

    /// <summary>The state row's columns the ticket list filters on (<see cref="Columns"/>; rows stored before them have none).</summary>
    public const string QueueColumn = "Queue";

    public const string OwnerColumn = "Owner";

    public const string SubjectColumn = "Subject";

    public IReadOnlyDictionary<string, string?> Columns(TicketState state) => state is { Exists: true }
        ? new Dictionary<string, string?> { [QueueColumn] = state.Queue, [OwnerColumn] = state.Owner, [SubjectColumn] = state.Subject }
        : new Dictionary<string, string?>();

    private static Result<Decision<TicketEvent>> Reject(string reason) => Result<Decision<TicketEvent>>.Rejected(reason);

    private static Result<Decision<TicketEvent>> Ok(TicketEvent @event, params SideEffect?[] effects) =>
        Result<Decision<TicketEvent>>.Ok(new Decision<TicketEvent>([@event], effects.OfType<SideEffect>().ToList()));

    private static bool IsInactive(LifecycleDefinition lifecycle, string status) =>
        lifecycle.Statuses.Any(s => s.Kind == StatusKind.Inactive && string.Equals(s.Name, status, StringComparison.OrdinalIgnoreCase));
}
