namespace Hub.Domain.Durable;

/// <summary>
/// The shape every aggregate (ticket, release, incident, site run) follows: a pure decision from the current state and a
/// command, and a pure fold of events into state. No I/O and no clock: the runtime passes <c>now</c>.
/// </summary>
public interface IDecider<TState, TCommand, TEvent>
{
    /// <summary>The aggregate type's name; it prefixes aggregate ids and routes work-queue messages.</summary>
    string Kind { get; }

    /// <summary>The state of an aggregate that has no history yet.</summary>
    TState Initial { get; }

    Result<Decision<TEvent>> Decide(TState state, TCommand command, DateTimeOffset now);

    TState Evolve(TState state, TEvent @event);

    /// <summary>The command to run when a timer of this aggregate fires; a refusal drops the timer with the reason logged.</summary>
    Result<TCommand> OnTimer(TState state, TimerFired timer);

    /// <summary>The state name recorded as from/to on each event row (e.g. a lifecycle status), or null.</summary>
    string? StateName(TState state);

    /// <summary>
    /// Values a list filters on without reading the states (a ticket's queue, owner, subject), kept as columns of the
    /// state row beside its state name; none by default. A null value is not stored.
    /// </summary>
    IReadOnlyDictionary<string, string?> Columns(TState state) => NoColumns;

    private static readonly IReadOnlyDictionary<string, string?> NoColumns = new Dictionary<string, string?>();
}
