using System.Text.Json.Serialization;
using Hub.Domain.Durable;

namespace Hub.Testing;

// A small aggregate for exercising the durable runtime: counts, emits side effects, sets and cancels timers.

public sealed record CounterState(long Count, long Rings, string Status);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Increment), "increment")]
[JsonDerivedType(typeof(Notify), "notify")]
[JsonDerivedType(typeof(SetAlarm), "set-alarm")]
[JsonDerivedType(typeof(CancelAlarm), "cancel-alarm")]
[JsonDerivedType(typeof(Ring), "ring")]
[JsonDerivedType(typeof(Explode), "explode")]
[JsonDerivedType(typeof(Grow), "grow")]
[JsonDerivedType(typeof(Forward), "forward")]
[JsonDerivedType(typeof(NotifyAll), "notify-all")]
public abstract record CounterCommand;

public sealed record Increment(int By) : CounterCommand;

public sealed record Notify(string Text) : CounterCommand;

/// <summary>One notify side effect per text, in order, from one command.</summary>
public sealed record NotifyAll(IReadOnlyList<string> Texts) : CounterCommand;

public sealed record SetAlarm(string Name, DateTimeOffset DueAt) : CounterCommand;

public sealed record CancelAlarm(string Name) : CounterCommand;

public sealed record Ring(string Name) : CounterCommand;

/// <summary>Throws while <see cref="CounterDecider.Explosions"/> is above zero: a handler failure, not a refusal.</summary>
public sealed record Explode : CounterCommand;

/// <summary>Appends this many events in one command.</summary>
public sealed record Grow(int Events, int PayloadChars = 0) : CounterCommand;

/// <summary>Increments another counter through an <see cref="AggregateCommand"/> side effect.</summary>
public sealed record Forward(string To, int By) : CounterCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Incremented), "incremented")]
[JsonDerivedType(typeof(Notified), "notified")]
[JsonDerivedType(typeof(AlarmSet), "alarm-set")]
[JsonDerivedType(typeof(AlarmCancelled), "alarm-cancelled")]
[JsonDerivedType(typeof(Rang), "rang")]
public abstract record CounterEvent;

public sealed record Incremented(int By, string Padding = "") : CounterEvent;

public sealed record Notified(string Text) : CounterEvent;

public sealed record AlarmSet(string Name, DateTimeOffset DueAt) : CounterEvent;

public sealed record AlarmCancelled(string Name) : CounterEvent;

public sealed record Rang(string Name) : CounterEvent;

public sealed class CounterDecider : IDecider<CounterState, CounterCommand, CounterEvent>
{
    public const string NotifyEffect = "test.notify";

    /// <summary>How many more times <see cref="Explode"/> throws; shared by every instance in the process.</summary>
    public static int Explosions;

    public string Kind => "counter";

    public CounterState Initial => new(0, 0, "idle");

    public Result<Decision<CounterEvent>> Decide(CounterState state, CounterCommand command, DateTimeOffset now) => command switch
    {
        Increment { By: <= 0 } => Result<Decision<CounterEvent>>.Rejected("Increment must be positive."),
        Increment i => Result<Decision<CounterEvent>>.Ok(Decision<CounterEvent>.Of(new Incremented(i.By))),
        Notify n => Result<Decision<CounterEvent>>.Ok(new Decision<CounterEvent>([new Notified(n.Text)], [new SideEffect(NotifyEffect, n.Text)])),
        NotifyAll n => Result<Decision<CounterEvent>>.Ok(new Decision<CounterEvent>(
            [new Notified(string.Join(", ", n.Texts))], [.. n.Texts.Select(t => new SideEffect(NotifyEffect, t))])),
        SetAlarm s => Result<Decision<CounterEvent>>.Ok(new Decision<CounterEvent>([new AlarmSet(s.Name, s.DueAt)], Timers: [new TimerRequest(s.Name, s.DueAt, s.Name)])),
        CancelAlarm c => Result<Decision<CounterEvent>>.Ok(new Decision<CounterEvent>([new AlarmCancelled(c.Name)], CancelTimers: [c.Name])),
        Ring r => Result<Decision<CounterEvent>>.Ok(Decision<CounterEvent>.Of(new Rang(r.Name))),
        Explode when Interlocked.Decrement(ref Explosions) >= 0 => throw new InvalidOperationException("boom"),
        Explode => Result<Decision<CounterEvent>>.Ok(Decision<CounterEvent>.Of(new Incremented(1000))),
        Grow g => Result<Decision<CounterEvent>>.Ok(new Decision<CounterEvent>(
            Enumerable.Range(0, g.Events).Select(_ => (CounterEvent)new Incremented(1, new string('x', g.PayloadChars))).ToList())),
        Forward f => Result<Decision<CounterEvent>>.Ok(new Decision<CounterEvent>(
            [new Notified($"forwarded {f.By} to {f.To}")], [AggregateCommand.Effect<CounterCommand>("counter", f.To, new Increment(f.By), "forwarder")])),
        _ => Result<Decision<CounterEvent>>.Rejected($"Unknown command {command.GetType().Name}."),
    };

    public CounterState Evolve(CounterState state, CounterEvent @event) => @event switch
    {
        Incremented i => state with { Count = state.Count + i.By, Status = "counting" },
        Rang => state with { Rings = state.Rings + 1, Status = "rang" },
        _ => state,
    };

    public Result<CounterCommand> OnTimer(CounterState state, TimerFired timer) => Result<CounterCommand>.Ok(new Ring(timer.Name));

    public string? StateName(CounterState state) => state.Status;
}
