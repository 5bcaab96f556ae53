namespace Hub.Storage.Durable;

public enum CommandStatus
{
    /// <summary>Committed: events appended, state moved.</summary>
    Applied,

    /// <summary>This message was applied before; nothing changed.</summary>
    Duplicate,

    /// <summary>The domain refused the command; <see cref="CommandOutcome{TState}.Reason"/> says why.</summary>
    Rejected,

    /// <summary>A timer that was cancelled or superseded; nothing changed.</summary>
    Dropped,
}

/// <summary>What happened to a command, with the aggregate's state after it.</summary>
public sealed record CommandOutcome<TState>(CommandStatus Status, TState State, long Sequence, string? Reason = null)
{
    /// <summary>
    /// For a refusal: the state row it was decided on. A caller that answers the refusal with another command (a
    /// reserved ticket number) passes it on, and that command's first attempt needs no read.
    /// </summary>
    public AggregateBasis? Basis { get; init; }

    /// <summary>For an applied command: the type names of the events it appended, in order.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>For an applied command: how many commands to other aggregates (<c>aggregate.command</c> effects) its commit sent on.</summary>
    public int Commands { get; init; }
}

/// <summary>What a queued command did, for a caller that reports it on (a delivery record): no state, only the outcome.</summary>
/// <param name="Changes">The type names of the events an applied command appended.</param>
public sealed record CommandReport(CommandStatus Status, string? Reason, IReadOnlyList<string> Changes);

/// <summary>An aggregate as read: state, the last event's sequence number, its state row's ETag.</summary>
public sealed record AggregateView<TState>(string Id, TState State, long Sequence, string? StateName)
{
    /// <summary>The state row as read, for a command that follows at once (<see cref="AggregateBasis"/>).</summary>
    public AggregateBasis? Basis { get; init; }
}
