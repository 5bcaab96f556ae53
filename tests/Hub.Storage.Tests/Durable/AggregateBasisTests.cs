using Hub.Domain.Durable;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Storage.Tickets;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

/// <summary>
/// Reads the runtime saves (a command decided on a basis, the inbox of a partition with no state row, a command that
/// creates its aggregate) must never cost a guarantee: no lost update, no second application, no false refusal.
/// </summary>
public sealed class AggregateBasisTests
{
    [Fact]
    public async Task HandleAsync_OnStaleSnapshot_IsDecidedAgainOnTheStoredState()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("s1", "m1", new Increment(1), "tester");
        var stale = new AggregateBasis(await harness.Store.LoadAsync(harness.Counter.PartitionOf("s1")));
        await harness.Counter.HandleAsync("s1", "m2", new Increment(2), "tester");

        var outcome = await harness.Counter.HandleAsync("s1", "m3", new Increment(4), "tester", stale);

        Assert.Equal(CommandStatus.Applied, outcome.Status);
        var view = await harness.Counter.GetAsync("s1");
        Assert.Equal(7, view!.State.Count);
        Assert.Equal(3, view.Sequence);
        Assert.Equal([1L, 2L, 3L], (await harness.Counter.HistoryAsync("s1")).Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task HandleAsync_AbsentBasisForAnExistingAggregate_NeverOverwritesIt()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("s2", "m1", new Increment(1), "tester");

        var outcome = await harness.Counter.HandleAsync("s2", "m2", new Increment(2), "tester", AggregateBasis.Absent);

        Assert.Equal(CommandStatus.Applied, outcome.Status);
        var view = await harness.Counter.GetAsync("s2");
        Assert.Equal(3, view!.State.Count);
        Assert.Equal(2, view.Sequence);
    }

    [Fact]
    public async Task HandleAsync_AbsentBasisForAMessageAlreadyApplied_IsADuplicateWithoutASecondEffect()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);
        await harness.Counter.HandleAsync("s3", "m1", new Notify("once"), "tester");

        var outcome = await harness.Counter.HandleAsync("s3", "m1", new Notify("once"), "tester", AggregateBasis.Absent);
        int queued = (await harness.Queue.PeekMessagesAsync(32)).Value.Length;
        await harness.DrainAsync(async () => await harness.Queue.GetApproximateMessageCountAsync() == 0, TimeSpan.FromSeconds(20));

        Assert.Equal(CommandStatus.Duplicate, outcome.Status);
        Assert.Equal(1, queued); // the first commit's effects message; the duplicate sends none
        Assert.Equal("once", Assert.Single(effect.Done).Payload);
        Assert.Equal(1, (await harness.Counter.GetAsync("s3"))!.Sequence);
    }

    [Fact]
    public async Task HandleAsync_RefusedOnAnAbsentBasisButAppliedBefore_IsReportedAsDuplicate()
    {
        // Refused on the basis (no aggregate, so no inbox) it would look like a refusal; decided again on the stored
        // state, the inbox shows the message was applied before.
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("s4", "m1", new Increment(1), "tester");

        var outcome = await harness.Counter.HandleAsync("s4", "m1", new Increment(0), "tester", AggregateBasis.Absent);

        Assert.Equal(CommandStatus.Duplicate, outcome.Status);
    }

    [Fact]
    public async Task HandleAsync_RefusedRedeliveryOfAnAppliedMessage_IsStillADuplicate()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("s5", "m1", new Increment(1), "tester");

        var outcome = await harness.Counter.HandleAsync("s5", "m1", new Increment(0), "tester");

        Assert.Equal(CommandStatus.Duplicate, outcome.Status);
    }

    [Fact]
    public async Task HandleAsync_RefusedOnANewAggregate_ReadsOnlyTheStateRow()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        CommandOutcome<CounterState>? outcome = null;

        var requests = await harness.CountRequestsAsync(async () => outcome = await harness.Counter.HandleAsync("s6", "m1", new Increment(0), "tester"));

        Assert.Equal(CommandStatus.Rejected, outcome!.Status);
        Assert.Equal(new Dictionary<string, long> { ["table GET entity"] = 1 }, requests);
        Assert.Equal(AggregateBasis.Absent, outcome.Basis);
    }

    [Fact]
    public async Task HandleAsync_OnTheBasisOfARefusal_CommitsWithoutReadingAgain()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("s7", "m1", new Increment(1), "tester");
        var refused = await harness.Counter.HandleAsync("s7", "m2", new Increment(0), "tester");

        var requests = await harness.CountRequestsAsync(() => harness.Counter.HandleAsync("s7", "m2", new Increment(5), "tester", refused.Basis));

        Assert.Equal(new Dictionary<string, long> { ["table POST $batch"] = 1 }, requests);
        Assert.Equal(6, (await harness.Counter.GetAsync("s7"))!.State.Count);
    }

    [Fact]
    public async Task CreatingCommandEffect_NewAggregate_CommitsWithoutReading()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        SideEffect create = AggregateCommand.Create<CounterCommand>("counter", "s8", new Increment(2), "creator");

        var requests = await harness.CountRequestsAsync(() =>
            harness.CommandEffect.ExecuteAsync(new SideEffectContext("counter:origin", "row-1", create.Kind, create.Payload, harness.Orchestrations, DateTimeOffset.UnixEpoch), default));

        Assert.Equal(new Dictionary<string, long> { ["table POST $batch"] = 1 }, requests);
        Assert.Equal(2, (await harness.Counter.GetAsync("s8"))!.State.Count);
    }

    [Fact]
    public async Task CreatingCommandEffect_RetriedRowOrExistingAggregate_AppliesOnceOnTheStoredState()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("s9", "earlier", new Increment(1), "tester");
        SideEffect create = AggregateCommand.Create<CounterCommand>("counter", "s9", new Increment(2), "creator");
        var context = new SideEffectContext("counter:origin", "row-1", create.Kind, create.Payload, harness.Orchestrations, DateTimeOffset.UnixEpoch);

        await harness.CommandEffect.ExecuteAsync(context, default);
        await harness.CommandEffect.ExecuteAsync(context, default);

        var view = await harness.Counter.GetAsync("s9");
        Assert.Equal(3, view!.State.Count);
        Assert.Equal(2, view.Sequence);
    }

    [Fact]
    public async Task HandleWithNewNumber_OnAStaleAbsentBasis_AppliesOnceOnTheStoredStateWithTheReservedNumber()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        using var numbers = new TicketNumbers(harness.Table);
        await harness.Counter.HandleAsync("s10", "m0", new Increment(100), "tester");

        var first = await numbers.HandleWithNewNumberAsync(harness.Counter, "s10", "m1", n => new Increment((int)n), "never", "tester", AggregateBasis.Absent);
        var again = await numbers.HandleWithNewNumberAsync(harness.Counter, "s10", "m1", n => new Increment((int)n), "never", "tester", AggregateBasis.Absent);

        Assert.Equal(CommandStatus.Applied, first.Status);
        Assert.Equal(CommandStatus.Duplicate, again.Status);
        var view = await harness.Counter.GetAsync("s10");
        Assert.Equal(101, view!.State.Count); // 100, then the first number reserved (1); the duplicate's number 2 stays unused
        Assert.Equal(2, view.Sequence);
    }
}
