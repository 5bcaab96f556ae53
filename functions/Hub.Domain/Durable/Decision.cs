namespace Hub.Domain.Durable;

/// <summary>
/// What a command decided: the events to append, the side effects to perform once they are committed, and the
/// durable timers to set or clear. All of it is committed in one transaction with the new state.
/// </summary>
public sealed record Decision<TEvent>(
    IReadOnlyList<TEvent> Events,
    IReadOnlyList<SideEffect>? Effects = null,
    IReadOnlyList<TimerRequest>? Timers = null,
    IReadOnlyList<string>? CancelTimers = null)
{
    public IReadOnlyList<SideEffect> Effects { get; init; } = Effects ?? [];

    public IReadOnlyList<TimerRequest> Timers { get; init; } = Timers ?? [];

    public IReadOnlyList<string> CancelTimers { get; init; } = CancelTimers ?? [];

    public static Decision<TEvent> Of(params TEvent[] events) => new(events);
}

/// <summary>A side effect (a notification, a connector call) named by kind; the payload is the handler's JSON.</summary>
public sealed record SideEffect(string Kind, string Payload);

/// <summary>
/// Set (or reset) the timer called <paramref name="Name"/>: when it is due, the aggregate receives a
/// <see cref="TimerFired"/> command. Setting a name again supersedes the earlier timer of that name.
/// </summary>
public sealed record TimerRequest(string Name, DateTimeOffset DueAt, string Payload = "");

/// <summary>The command an aggregate receives when one of its timers is due.</summary>
public sealed record TimerFired(string Name, string Payload, DateTimeOffset DueAt);
