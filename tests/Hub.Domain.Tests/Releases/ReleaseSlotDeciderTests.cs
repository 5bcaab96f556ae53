using Hub.Domain.Durable;
using Hub.Domain.Releases;

namespace Hub.Domain.Tests.Releases;

public sealed class ReleaseSlotDeciderTests
{
    private static readonly DateTimeOffset T0 = ReleaseFixture.T0;
    private readonly ReleaseSlotDecider _slots = new();

    [Fact]
    public void Acquire_WaitersThenLeave_PromotesInArrivalOrderWithEmergenciesFirst()
    {
        ReleaseSlotState state = ReleaseSlotState.Free;
        state = Apply(state, new AcquireSlot("umd-4", 1, false));
        state = Apply(state, new AcquireSlot("umd-4", 2, false));
        state = Apply(state, new AcquireSlot("umd-4", 3, false));
        Decision<ReleaseSlotEvent> emergency = _slots.Decide(state, new AcquireSlot("umd-4", 8, true), T0).Value!;
        state = emergency.Events.Aggregate(state, _slots.Evolve);
        state = Apply(state, new AcquireSlot("umd-4", 9, true));

        Assert.Equal(1, state.Holder);
        Assert.Equal([8L, 9L, 2L, 3L], state.Waiting.Select(w => w.Release));
        Assert.Contains("\"position\":1", AggregateCommand.Parse(Assert.Single(emergency.Effects).Payload).Command, StringComparison.Ordinal);
        Decision<ReleaseSlotEvent> leave = _slots.Decide(state, new LeaveSlot("umd-4", 1), T0).Value!;
        Assert.Equal([new SlotFreed(1, T0), new SlotTaken(8, T0)], leave.Events);
        Assert.Contains("slot-granted", Assert.Single(leave.Effects).Payload, StringComparison.Ordinal);
        Assert.Equal("8", AggregateCommand.Parse(leave.Effects[0].Payload).Id);
    }

    [Fact]
    public void Leave_WaiterLeavesQueue_HolderKeepsSlot()
    {
        ReleaseSlotState state = Apply(Apply(Apply(ReleaseSlotState.Free, new AcquireSlot("m", 1, false)), new AcquireSlot("m", 2, false)), new AcquireSlot("m", 3, false));

        state = Apply(state, new LeaveSlot("m", 2));

        Assert.Equal(1, state.Holder);
        Assert.Equal([3L], state.Waiting.Select(w => w.Release));
    }

    [Fact]
    public void Acquire_Twice_SameAnswerNoDuplicateInQueue()
    {
        ReleaseSlotState state = Apply(Apply(ReleaseSlotState.Free, new AcquireSlot("m", 1, false)), new AcquireSlot("m", 2, false));

        Decision<ReleaseSlotEvent> again = _slots.Decide(state, new AcquireSlot("m", 2, false), T0).Value!;
        Decision<ReleaseSlotEvent> holder = _slots.Decide(state, new AcquireSlot("m", 1, false), T0).Value!;

        Assert.Empty(again.Events);
        Assert.Contains("slot-queued", Assert.Single(again.Effects).Payload, StringComparison.Ordinal);
        Assert.Empty(holder.Events);
        Assert.Contains("slot-granted", Assert.Single(holder.Effects).Payload, StringComparison.Ordinal);
    }

    private ReleaseSlotState Apply(ReleaseSlotState state, ReleaseSlotCommand command)
    {
        Result<Decision<ReleaseSlotEvent>> result = _slots.Decide(state, command, T0);
        Assert.True(result.IsOk, result.Reason);
        return result.Value!.Events.Aggregate(state, _slots.Evolve);
    }
}
