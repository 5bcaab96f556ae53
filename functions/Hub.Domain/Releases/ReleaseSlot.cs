using System.Text.Json.Serialization;
using Hub.Domain.Durable;

namespace Hub.Domain.Releases;

/// <summary>A release waiting for the slot; emergency releases wait ahead of the others.</summary>
public sealed record SlotWaiter(long Release, bool Emergency, DateTimeOffset Since);

/// <summary>One major release's StageRollout slot: who holds it, and who waits, first in first out.</summary>
public sealed record ReleaseSlotState(long? Holder, IReadOnlyList<SlotWaiter> Waiting)
{
    public static ReleaseSlotState Free { get; } = new(null, []);
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AcquireSlot), "acquire")]
[JsonDerivedType(typeof(LeaveSlot), "leave")]
public abstract record ReleaseSlotCommand(string MajorRelease, long Release);

public sealed record AcquireSlot(string MajorRelease, long Release, bool Emergency) : ReleaseSlotCommand(MajorRelease, Release);

public sealed record LeaveSlot(string MajorRelease, long Release) : ReleaseSlotCommand(MajorRelease, Release);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SlotTaken), "taken")]
[JsonDerivedType(typeof(SlotWaitStarted), "waiting")]
[JsonDerivedType(typeof(SlotFreed), "freed")]
public abstract record ReleaseSlotEvent(long Release, DateTimeOffset At);

public sealed record SlotTaken(long Release, DateTimeOffset At) : ReleaseSlotEvent(Release, At);

public sealed record SlotWaitStarted(long Release, bool Emergency, int Position, DateTimeOffset At) : ReleaseSlotEvent(Release, At);

/// <summary>The release left the slot or its queue.</summary>
public sealed record SlotFreed(long Release, DateTimeOffset At) : ReleaseSlotEvent(Release, At);

/// <summary>
/// The rule "one release per AssociatedMajorRelease in StageRollout at a time" (aggregate kind "release-slot", id =
/// the major release). A release asks for the slot; the slot answers the release with <see cref="SlotGranted"/> or
/// <see cref="SlotQueued"/> through <see cref="AggregateCommand"/>, and when the holder leaves, promotes the first
/// waiter. Emergency releases queue ahead of the others; within each, first in first out.
/// </summary>
public sealed class ReleaseSlotDecider : IDecider<ReleaseSlotState, ReleaseSlotCommand, ReleaseSlotEvent>
{
    public const string AggregateKind = "release-slot";

    public string Kind => AggregateKind;

    public ReleaseSlotState Initial => ReleaseSlotState.Free;

    public Result<Decision<ReleaseSlotEvent>> Decide(ReleaseSlotState state, ReleaseSlotCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        return command switch
        {
            AcquireSlot a => Acquire(a.MajorRelease, state, a, now),
            LeaveSlot l => Leave(l.MajorRelease, state, l, now),
            _ => Result<Decision<ReleaseSlotEvent>>.Rejected($"Unknown slot command {command.GetType().Name}."),
        };
    }

    public ReleaseSlotState Evolve(ReleaseSlotState state, ReleaseSlotEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            SlotTaken t => state with { Holder = t.Release, Waiting = [.. state.Waiting.Where(w => w.Release != t.Release)] },
            SlotWaitStarted w => state with { Waiting = Insert(state.Waiting, new SlotWaiter(w.Release, w.Emergency, w.At)) },
            SlotFreed f => state with
            {
                Holder = state.Holder == f.Release ? null : state.Holder,
                Waiting = [.. state.Waiting.Where(w => w.Release != f.Release)],
            },
            _ => state,
        };
    }

    public Result<ReleaseSlotCommand> OnTimer(ReleaseSlotState state, TimerFired timer) =>
        Result<ReleaseSlotCommand>.Rejected("Release slots set no timers.");

    public string? StateName(ReleaseSlotState state) => state?.Holder is null ? "free" : "taken";

    private static Result<Decision<ReleaseSlotEvent>> Acquire(string major, ReleaseSlotState state, AcquireSlot a, DateTimeOffset now)
    {
        if (state.Holder == a.Release || state.Holder is null)
        {
            ReleaseSlotEvent[] events = state.Holder == a.Release ? [] : [new SlotTaken(a.Release, now)];
            return Ok(events, Reply(a.Release, new SlotGranted(ReleaseActor.Hub, major)));
        }

        int existing = IndexOf(state.Waiting, a.Release);
        if (existing >= 0)
        {
            return Ok([], Reply(a.Release, new SlotQueued(ReleaseActor.Hub, major, existing + 1)));
        }

        IReadOnlyList<SlotWaiter> after = Insert(state.Waiting, new SlotWaiter(a.Release, a.Emergency, now));
        int position = IndexOf(after, a.Release) + 1;
        return Ok([new SlotWaitStarted(a.Release, a.Emergency, position, now)], Reply(a.Release, new SlotQueued(ReleaseActor.Hub, major, position)));
    }

    private static Result<Decision<ReleaseSlotEvent>> Leave(string major, ReleaseSlotState state, LeaveSlot l, DateTimeOffset now)
    {
        if (state.Holder != l.Release)
        {
            // Leaving the queue (or a slot it never had) promotes nobody.
            return IndexOf(state.Waiting, l.Release) >= 0 ? Ok([new SlotFreed(l.Release, now)]) : Ok([]);
        }

        if (state.Waiting.Count == 0)
        {
            return Ok([new SlotFreed(l.Release, now)]);
        }

        SlotWaiter next = state.Waiting[0];
        return Ok(
            [new SlotFreed(l.Release, now), new SlotTaken(next.Release, now)],
            Reply(next.Release, new SlotGranted(ReleaseActor.Hub, major)));
    }

    // Emergency waiters go after the last emergency waiter; the others at the end.
    private static IReadOnlyList<SlotWaiter> Insert(IReadOnlyList<SlotWaiter> waiting, SlotWaiter waiter)
    {
        if (IndexOf(waiting, waiter.Release) >= 0)
        {
            return waiting;
        }

        var list = waiting.ToList();
        int at = waiter.Emergency ? list.FindLastIndex(w => w.Emergency) + 1 : list.Count;
        list.Insert(at, waiter);
        return list;
    }

    private static int IndexOf(IReadOnlyList<SlotWaiter> waiting, long release)
    {
        for (int i = 0; i < waiting.Count; i++)
        {
            if (waiting[i].Release == release)
            {
                return i;
            }
        }

        return -1;
    }

    private static SideEffect Reply(long release, ReleaseCommand command) =>
        AggregateCommand.Effect(ReleaseDecider.AggregateKind, release.ToString(System.Globalization.CultureInfo.InvariantCulture), command, "release-slot");

    private static Result<Decision<ReleaseSlotEvent>> Ok(ReleaseSlotEvent[] events, params SideEffect[] effects) =>
        Result<Decision<ReleaseSlotEvent>>.Ok(new Decision<ReleaseSlotEvent>(events, effects));
}
