using Hub.Domain.Durable;
using Hub.Storage.Durable;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

public sealed class OutboxTests
{
    [Fact]
    public async Task HandleAsync_WithSideEffect_DispatchesOnceAndCompletesTheRow()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);

        await harness.Counter.HandleAsync("n1", "m1", new Notify("hello"), "tester");

        SideEffectContext done = Assert.Single(effect.Done);
        Assert.Equal("hello", done.Payload);
        Assert.StartsWith("counter:n1/0000000000000000001-00-", done.IdempotencyKey, StringComparison.Ordinal);
        Assert.Empty(await harness.Store.OutboxAsync(harness.Counter.PartitionOf("n1")));
    }

    [Fact]
    public async Task Sweep_AfterCrashBetweenCommitAndDispatch_CompletesTheEffectExactlyOnce()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness crashed = await DurableHarness.CreateAsync(effects: [effect], dispatchAfterCommit: false);
        await crashed.Counter.HandleAsync("n2", "m1", new Notify("after the crash"), "tester");
        OutboxRecord left = Assert.Single(await crashed.Store.OutboxAsync(crashed.Counter.PartitionOf("n2")));
        Assert.Empty(effect.Done);

        int first = await crashed.Outbox.SweepAsync(TimeSpan.Zero);
        int second = await crashed.Outbox.SweepAsync(TimeSpan.Zero);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        SideEffectContext done = Assert.Single(effect.Done);
        Assert.Equal("after the crash", done.Payload);
        Assert.Equal($"counter:n2/{left.Id}", done.IdempotencyKey);
        Assert.Empty(await crashed.Store.OutboxAsync(crashed.Counter.PartitionOf("n2")));
    }

    [Fact]
    public async Task Sweep_RowYoungerThanMinimumAge_IsLeftToItsCommand()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect], dispatchAfterCommit: false);
        await harness.Counter.HandleAsync("n3", "m1", new Notify("young"), "tester");

        int swept = await harness.Outbox.SweepAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, swept);
        Assert.Empty(effect.Done);
    }

    [Fact]
    public async Task Dispatch_FailingEffect_LeavesTheRowForTheSweeper()
    {
        var failing = new FailingOnceEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [failing]);

        var outcome = await harness.Counter.HandleAsync("n4", "m1", new Notify("retry me"), "tester");
        int swept = await harness.Outbox.SweepAsync(TimeSpan.Zero);

        Assert.Equal(CommandStatus.Applied, outcome.Status);
        Assert.Equal(1, swept);
        Assert.Equal(2, failing.Attempts);
        Assert.Empty(await harness.Store.OutboxAsync(harness.Counter.PartitionOf("n4")));
    }

    [Fact]
    public async Task Dispatch_AnOrderedKindFails_ItsLaterRowsWait_AndTheSweeperRunsThemInOrder()
    {
        var effect = new OrderedEffect(CounterDecider.NotifyEffect, failFirst: "create");
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect], dispatchAfterCommit: false);
        OutboxDispatcher outbox = Ordered(harness, effect, CounterDecider.NotifyEffect);
        await harness.Counter.HandleAsync("n5", "m1", new NotifyAll(["create", "change status", "link"]), "tester");
        string partition = harness.Counter.PartitionOf("n5");

        int inline = await outbox.DispatchAsync(partition, await harness.Store.OutboxAsync(partition));
        string[] attemptedInline = [.. effect.Attempts];
        int swept = await outbox.SweepAsync(TimeSpan.Zero);

        Assert.Equal(0, inline);
        Assert.Equal(["create"], attemptedInline);
        Assert.Equal(3, swept);
        Assert.Equal(["create", "create", "change status", "link"], effect.Attempts);
        Assert.Empty(await harness.Store.OutboxAsync(partition));
    }

    [Fact]
    public async Task Sweep_AFailingOrderedRow_HoldsBackOnlyTheLaterRowsOfItsOwnPartition()
    {
        var effect = new OrderedEffect(CounterDecider.NotifyEffect, failFirst: "a1");
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect], dispatchAfterCommit: false);
        OutboxDispatcher outbox = Ordered(harness, effect, CounterDecider.NotifyEffect);
        await harness.Counter.HandleAsync("n6", "m1", new NotifyAll(["a1", "a2"]), "tester");
        await harness.Counter.HandleAsync("n7", "m1", new NotifyAll(["b1", "b2"]), "tester");

        int first = await outbox.SweepAsync(TimeSpan.Zero);
        int second = await outbox.SweepAsync(TimeSpan.Zero);

        Assert.Equal((2, 2), (first, second));
        Assert.Equal(["a1", "b1", "b2", "a1", "a2"], effect.Attempts);
    }

    [Fact]
    public async Task Dispatch_AFailingRowOfAnUnorderedKind_HoldsNothingBack()
    {
        var effect = new OrderedEffect(CounterDecider.NotifyEffect, failFirst: "mail");
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect], dispatchAfterCommit: false);
        await harness.Counter.HandleAsync("n8", "m1", new NotifyAll(["mail", "connector call"]), "tester");
        string partition = harness.Counter.PartitionOf("n8");

        // The hub's default: only aggregate commands are ordered.
        int inline = await harness.Outbox.DispatchAsync(partition, await harness.Store.OutboxAsync(partition));

        Assert.Equal(1, inline);
        Assert.Equal(["mail", "connector call"], effect.Attempts);
    }

    private static OutboxDispatcher Ordered(DurableHarness harness, ISideEffectHandler effect, string kind) =>
        new(harness.Store, [effect], harness.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<OutboxDispatcher>.Instance,
            new HashSet<string>(StringComparer.Ordinal) { kind });

    [Fact]
    public async Task AggregateCommand_DeliveredTwice_AppliesToTheTargetOnce()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(dispatchAfterCommit: false);
        await harness.Counter.HandleAsync("source", "m1", new Forward("target", 4), "tester");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(harness.Counter.PartitionOf("source")));
        var effect = new AggregateCommandEffect(() => [harness.Counter]);
        var context = new SideEffectContext(harness.Counter.PartitionOf("source"), row.Id, row.Kind, row.Payload);

        await effect.ExecuteAsync(context, default);
        await effect.ExecuteAsync(context, default);

        var target = await harness.Counter.GetAsync("target");
        Assert.Equal(4, target!.State.Count);
        Assert.Equal(1, target.Sequence);
        Assert.Equal("forwarder", Assert.Single((await harness.Counter.HistoryAsync("target")).Events).Actor);
    }

    /// <summary>Records every attempt's payload in order; the first attempt of <c>failFirst</c> throws.</summary>
    private sealed class OrderedEffect(string kind, string failFirst) : ISideEffectHandler
    {
        private bool _failed;

        public List<string> Attempts { get; } = [];

        public string Kind => kind;

        public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
        {
            Attempts.Add(context.Payload);
            if (context.Payload == failFirst && !_failed)
            {
                _failed = true;
                throw new HttpRequestException("the target is not there yet");
            }

            return Task.CompletedTask;
        }
    }

    private sealed class FailingOnceEffect(string kind) : ISideEffectHandler
    {
        public int Attempts;

        public string Kind => kind;

        public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref Attempts) == 1 ? throw new HttpRequestException("mail server down") : Task.CompletedTask;
    }
}
