using Azure.Storage.Queues.Models;
using Hub.Domain.Durable;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

/// <summary>
/// Effects after the commit: the commit's work message runs each outbox row once; what fails (or a crash leaves
/// behind) is handed to the <c>Effects_Retry</c> orchestration, played here by <see cref="RecordingStarter"/>, whose
/// activities are <see cref="OutboxDispatcher.PerformAsync"/> and <see cref="OutboxDispatcher.GiveUpAsync"/>.
/// </summary>
public sealed class OutboxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task HandleAsync_WithSideEffect_SendsOneEffectsMessageWhoseHandlingRunsTheEffectOnce()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);
        string partition = harness.Counter.PartitionOf("n1");

        await harness.Counter.HandleAsync("n1", "m1", new Notify("hello"), "tester");
        PeekedMessage sent = Assert.Single((await harness.Queue.PeekMessagesAsync(32)).Value);
        int doneBeforeHandling = effect.Done.Count;
        await harness.DrainAsync(async () => (await harness.Store.OutboxAsync(partition)).Count == 0, Patience);

        Assert.Equal(new WorkMessage("effects-counter-n1-1", "effects", "counter", "n1", "1"), WorkQueue.Parse(sent.Body.ToString()));
        Assert.Equal(0, doneBeforeHandling);
        SideEffectContext done = Assert.Single(effect.Done);
        Assert.Equal("hello", done.Payload);
        Assert.StartsWith("counter:n1/0000000000000000001-00-", done.IdempotencyKey, StringComparison.Ordinal);
        Assert.Empty(harness.Orchestrations.Started);
        Assert.Equal(0, await harness.Queue.GetApproximateMessageCountAsync());
    }

    [Fact]
    public async Task QueuedCommand_WithSideEffect_RunsItInTheSameInvocationWithoutAnEffectsMessage()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);
        await harness.Work.SendAsync(new WorkMessage("q-notify", WorkMessage.CommandKind, "counter", "n9", """{"type":"notify","text":"queued"}"""));
        QueueMessage queued = Assert.Single((await harness.Queue.ReceiveMessagesAsync(32)).Value);

        await harness.Dispatcher.HandleAsync(queued.Body.ToString(), queued.DequeueCount, harness.Orchestrations);
        await harness.Queue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);

        // A work message is a background invocation: the effects of the commits it makes run right there.
        Assert.Equal("queued", Assert.Single(effect.Done).Payload);
        Assert.Empty(await harness.Store.OutboxAsync(harness.Counter.PartitionOf("n9")));
        Assert.Equal(0, await harness.Queue.GetApproximateMessageCountAsync());
    }

    [Fact]
    public async Task InlineCommit_NewAggregate_RunsItsRowsWithoutReadingThemBackButAnExistingOneReadsForEarlierRows()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);
        string partition = harness.Counter.PartitionOf("n8");

        IReadOnlyDictionary<string, long> first;
        IReadOnlyDictionary<string, long> second;
        using (InlineEffects.Run(harness.Outbox, harness.Orchestrations))
        {
            first = await harness.CountRequestsAsync(() => harness.Counter.HandleAsync("n8", "m1", new Notify("new"), "tester", AggregateBasis.Absent));
            second = await harness.CountRequestsAsync(() => harness.Counter.HandleAsync("n8", "m2", new Notify("again"), "tester"));
        }

        // The first commit of an aggregate is all it has: commit, then the effect's row deleted. A later commit reads
        // the partition's pending rows first (an earlier command row must not be overtaken).
        Assert.Equal(new Dictionary<string, long> { ["table POST $batch"] = 1, ["table DELETE entity"] = 1 }, first);
        Assert.Equal(1, second.GetValueOrDefault("table GET query"));
        Assert.Equal(["new", "again"], effect.Done.Select(d => d.Payload));
        Assert.Empty(await harness.Store.OutboxAsync(partition));
    }

    [Fact]
    public async Task HandleAsync_WithoutSideEffects_SendsNoWorkMessage()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        await harness.Counter.HandleAsync("n0", "m1", new Increment(1), "tester");

        Assert.Empty((await harness.Queue.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task RelayAsync_AfterCrashBetweenCommitAndItsMessage_AsksForOneRetryPerCommitWithItsRowsInOrder()
    {
        var clock = new ManualClock(Start);
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness crashed = await DurableHarness.CreateAsync(clock, [effect], sendEffectsAfterCommit: false);
        string partition = crashed.Counter.PartitionOf("n2");
        await crashed.Counter.HandleAsync("n2", "m1", new NotifyAll(["a", "b"]), "tester");
        await crashed.Counter.HandleAsync("n2", "m2", new Notify("c"), "tester");
        IReadOnlyList<OutboxRecord> rows = await crashed.Store.OutboxAsync(partition);
        clock.Advance(TimeSpan.FromSeconds(1));

        IReadOnlyList<string> first = await crashed.Outbox.RelayAsync(TimeSpan.Zero, crashed.Orchestrations);
        IReadOnlyList<string> second = await crashed.Outbox.RelayAsync(TimeSpan.Zero, crashed.Orchestrations);

        Assert.Equal(0, await crashed.Queue.GetApproximateMessageCountAsync());
        Assert.Equal(["effects:counter:n2:1", "effects:counter:n2:2"], first);
        Assert.Empty(second);
        Assert.Equal(2, crashed.Orchestrations.Started.Count);
        EffectsRetry one = RetryStarted(crashed, "effects:counter:n2:1");
        Assert.Equal(("counter:n2", 1L), (one.Partition, one.Sequence));
        Assert.Equal([new EffectStep(rows[0].Id, "test.notify", false), new EffectStep(rows[1].Id, "test.notify", false)], one.Steps);
        Assert.Equal(new EffectRetryPolicy(TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1)), one.Policy);
        EffectsRetry two = RetryStarted(crashed, "effects:counter:n2:2");
        Assert.Equal(("counter:n2", 2L), (two.Partition, two.Sequence));
        Assert.Equal([new EffectStep(rows[2].Id, "test.notify", false)], two.Steps);
        Assert.Equal(["a", "b", "c"], rows.Select(r => r.Payload));
        Assert.Empty(effect.Done); // the relay hands rows over; it runs nothing itself
        Assert.Equal(3, (await crashed.Store.OutboxAsync(partition)).Count);
    }

    [Fact]
    public async Task RelayAsync_RowYoungerThanMinimumAge_IsNotRelayedUntilItIsOlder()
    {
        var clock = new ManualClock(Start);
        DurableHarness harness = await DurableHarness.CreateAsync(clock, [new RecordingEffect(CounterDecider.NotifyEffect)], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n3", "m1", new Notify("young"), "tester");
        clock.Advance(TimeSpan.FromSeconds(59));

        IReadOnlyList<string> young = await harness.Outbox.RelayAsync(TimeSpan.FromMinutes(1), harness.Orchestrations);
        clock.Advance(TimeSpan.FromSeconds(2));
        IReadOnlyList<string> old = await harness.Outbox.RelayAsync(TimeSpan.FromMinutes(1), harness.Orchestrations);

        Assert.Empty(young);
        Assert.Equal(["effects:counter:n3:1"], old);
    }

    [Fact]
    public async Task HandleAsync_EffectFailsOnItsFirstTry_IsHandedToEffectsRetryAndTheRowStays()
    {
        var failing = new FailingEffect(CounterDecider.NotifyEffect, failures: 1);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [failing]);
        string partition = harness.Counter.PartitionOf("n4");

        CommandOutcome<CounterState> outcome = await harness.Counter.HandleAsync("n4", "m1", new Notify("retry me"), "tester");
        await harness.DrainAsync(() => Task.FromResult(harness.Orchestrations.Started.Count == 1), Patience);

        Assert.Equal(CommandStatus.Applied, outcome.Status);
        Assert.Equal(1, failing.Attempts);
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        Assert.Null(row.FailedAt);
        (string orchestrator, object input) = Assert.Single(harness.Orchestrations.Started, s => s.Key == "effects:counter:n4:1").Value;
        Assert.Equal("Effects_Retry", orchestrator);
        var retry = Assert.IsType<EffectsRetry>(input);
        Assert.Equal(("counter:n4", 1L), (retry.Partition, retry.Sequence));
        Assert.Equal([new EffectStep(row.Id, "test.notify", false)], retry.Steps);
        // The hub's default: every 5 s, doubling to 5 min between tries, given up after a day.
        Assert.Equal(new EffectRetryPolicy(TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1)), retry.Policy);
    }

    [Fact]
    public async Task HandleAsync_AnOrderedRowFails_HoldsBackTheCommitsLaterOrderedRowsButNotUnorderedOnes()
    {
        var mail = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [mail]);
        string partition = harness.Counter.PartitionOf("n5");
        // One commit of three rows: an aggregate command (ordered) that cannot succeed, a mail (unordered), and a later
        // aggregate command. The decider emits one kind per command, so the commit is written directly.
        SideEffect broken = AggregateCommand.Effect<CounterCommand>("nobody", "x", new Increment(1), "tester");
        SideEffect later = AggregateCommand.Effect<CounterCommand>("counter", "n5-target", new Increment(3), "tester");
        await CommitAsync(harness, partition, [
            new OutboxRecord("0000000000000000001-00-a", broken.Kind, broken.Payload, Start),
            new OutboxRecord("0000000000000000001-01-b", CounterDecider.NotifyEffect, "mail", Start),
            new OutboxRecord("0000000000000000001-02-c", later.Kind, later.Payload, Start),
        ]);
        await harness.Work.SendAsync(new WorkMessage("effects-counter-n5-1", WorkMessage.EffectsKind, "counter", "n5", "1"));

        await harness.DrainAsync(() => Task.FromResult(harness.Orchestrations.Started.Count == 1), Patience);

        Assert.Equal(["mail"], mail.Done.Select(d => d.Payload));
        Assert.Null(await harness.Counter.GetAsync("n5-target"));
        Assert.Equal(["0000000000000000001-00-a", "0000000000000000001-02-c"], (await harness.Store.OutboxAsync(partition)).Select(r => r.Id));
        EffectsRetry retry = RetryStarted(harness, "effects:counter:n5:1");
        Assert.Equal(
            [new EffectStep("0000000000000000001-00-a", "aggregate.command", true), new EffectStep("0000000000000000001-02-c", "aggregate.command", true)],
            retry.Steps);
    }

    [Fact]
    public async Task DispatchAsync_AFailingRowOfAnUnorderedKind_HoldsNothingBack()
    {
        var effect = new FailingEffect(CounterDecider.NotifyEffect, failures: 1);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n8", "m1", new NotifyAll(["mail", "connector call"]), "tester");
        string partition = harness.Counter.PartitionOf("n8");
        IReadOnlyList<OutboxRecord> rows = await harness.Store.OutboxAsync(partition);

        IReadOnlyList<OutboxRecord> left = await harness.Outbox.DispatchAsync(partition, rows, harness.Orchestrations);

        Assert.Equal(["mail"], left.Select(r => r.Payload));
        Assert.Equal(["mail", "connector call"], effect.Payloads);
        Assert.Equal(["mail"], (await harness.Store.OutboxAsync(partition)).Select(r => r.Payload));
    }

    [Fact]
    public async Task PerformAsync_RowWithNoOutcome_RunsItAndCompletesTheRow()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n9", "m1", new Notify("perform me"), "tester");
        string partition = harness.Counter.PartitionOf("n9");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));

        await harness.Outbox.PerformAsync(partition, row.Id, harness.Orchestrations);

        SideEffectContext done = Assert.Single(effect.Done);
        Assert.Equal("perform me", done.Payload);
        Assert.Equal($"counter:n9/{row.Id}", done.IdempotencyKey);
        Assert.Empty(await harness.Store.OutboxAsync(partition));
    }

    [Fact]
    public async Task PerformAsync_CompletedRow_IsANoOp()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n10", "m1", new Notify("once"), "tester");
        string partition = harness.Counter.PartitionOf("n10");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        await harness.Outbox.PerformAsync(partition, row.Id, harness.Orchestrations);

        await harness.Outbox.PerformAsync(partition, row.Id, harness.Orchestrations);

        Assert.Single(effect.Done);
    }

    [Fact]
    public async Task PerformAsync_EffectFails_ThrowsForTheRetryPolicyAndKeepsTheRow()
    {
        var failing = new FailingEffect(CounterDecider.NotifyEffect, failures: 1);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [failing], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n11", "m1", new Notify("flaky"), "tester");
        string partition = harness.Counter.PartitionOf("n11");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => harness.Outbox.PerformAsync(partition, row.Id, harness.Orchestrations));
        IReadOnlyList<OutboxRecord> afterFailure = await harness.Store.OutboxAsync(partition);
        await harness.Outbox.PerformAsync(partition, row.Id, harness.Orchestrations);

        Assert.Equal("mail server down", error.Message);
        Assert.Equal([row.Id], afterFailure.Select(r => r.Id));
        Assert.Equal(2, failing.Attempts);
        Assert.Empty(await harness.Store.OutboxAsync(partition));
    }

    [Fact]
    public async Task GiveUpAsync_MarksTheRowFailedKeepsItAndTellsItsHandlerOnce()
    {
        var clock = new ManualClock(Start);
        var failing = new FailingEffect(CounterDecider.NotifyEffect, failures: int.MaxValue);
        DurableHarness harness = await DurableHarness.CreateAsync(clock, [failing], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n12", "m1", new Notify("never"), "tester");
        string partition = harness.Counter.PartitionOf("n12");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        clock.Advance(TimeSpan.FromMinutes(10));

        await harness.Outbox.GiveUpAsync(partition, row.Id, "mail server down for a day", harness.Orchestrations);

        OutboxRecord failed = Assert.Single(await harness.Store.OutboxAsync(partition));
        Assert.Equal(row.Id, failed.Id);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 10, 0, TimeSpan.Zero), failed.FailedAt);
        Assert.Equal("mail server down for a day", failed.Error);
        Assert.Equal([($"counter:n12/{row.Id}", "mail server down for a day")], failing.GiveUps);
        Assert.Equal(0, failing.Attempts);
        Assert.Equal(
            new FailedEffect(partition, row.Id, row.Kind, row.CreatedAt, Start.AddMinutes(10), "mail server down for a day"),
            Assert.Single(await harness.Store.FailedOutboxAsync(10)));
    }

    [Fact]
    public async Task FailedOutboxAsync_ListsTheFailuresFiledNewestFirstUpToMax()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(sendEffectsAfterCommit: false);
        var rows = new List<(string Partition, OutboxRecord Row)>();
        foreach (string id in new[] { "f1", "f2", "f3" })
        {
            await harness.Counter.HandleAsync(id, "m1", new Notify("never"), "tester");
            string partition = harness.Counter.PartitionOf(id);
            rows.Add((partition, Assert.Single(await harness.Store.OutboxAsync(partition))));
        }

        await harness.Store.FailOutboxAsync(rows[0].Partition, rows[0].Row, "first", Start.AddMinutes(1));
        await harness.Store.FailOutboxAsync(rows[2].Partition, rows[2].Row, "third", Start.AddMinutes(3));
        await harness.Store.FailOutboxAsync(rows[1].Partition, rows[1].Row, "second", Start.AddMinutes(2));
        await harness.Store.FailOutboxAsync(rows[1].Partition, rows[1].Row, "second, given up again", Start.AddMinutes(4));

        IReadOnlyList<FailedEffect> newest = await harness.Store.FailedOutboxAsync(2);

        Assert.Equal(["second, given up again", "third"], newest.Select(f => f.Error));
        Assert.Equal([$"{rows[1].Partition}/{rows[1].Row.Id}", $"{rows[2].Partition}/{rows[2].Row.Id}"], newest.Select(f => f.Key));
        Assert.Equal(3, (await harness.Store.FailedOutboxAsync(10)).Count);
    }

    [Fact]
    public async Task FailOutboxAsync_RowCompletedMeanwhile_FilesNothing()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n15", "m1", new Notify("done late"), "tester");
        string partition = harness.Counter.PartitionOf("n15");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        Assert.True(await harness.Store.CompleteOutboxAsync(partition, row.Id));

        await harness.Store.FailOutboxAsync(partition, row, "too late", Start);

        Assert.Empty(await harness.Store.FailedOutboxAsync(10));
        Assert.Empty(await harness.Store.OutboxAsync(partition));
    }

    [Fact]
    public async Task FailedOutboxAsync_RowsGivenUpBeforeFailuresWereFiled_AreFiledByTheFirstCallOnly()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("old1", "m1", new Notify("never"), "tester");
        await harness.Counter.HandleAsync("old2", "m1", new Notify("never"), "tester");
        string partition = harness.Counter.PartitionOf("old1");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        // As the store marked a row given up before it filed failures: FailedAt and Error on the outbox row alone.
        async Task MarkTheOldWayAsync(string p, OutboxRecord r, string error) => await harness.Store.Table.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity(p, AggregateStore.OutboxPrefix + r.Id) { ["FailedAt"] = Start, ["Error"] = error }, Azure.ETag.All);
        await MarkTheOldWayAsync(partition, row, "given up last year");

        FailedEffect filed = Assert.Single(await harness.Store.FailedOutboxAsync(10));

        Assert.Equal(new FailedEffect(partition, row.Id, row.Kind, row.CreatedAt, Start, "given up last year"), filed);
        // Only rows from before the change are marked this way, so one scan of every partition files them all: a row
        // marked so later is not looked for again.
        string later = harness.Counter.PartitionOf("old2");
        await MarkTheOldWayAsync(later, Assert.Single(await harness.Store.OutboxAsync(later)), "never filed");
        Assert.Equal([filed], await harness.Store.FailedOutboxAsync(10));
    }

    [Fact]
    public async Task GiveUpAsync_CompletedRow_TellsNobody()
    {
        var failing = new FailingEffect(CounterDecider.NotifyEffect, failures: 0);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [failing], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n13", "m1", new Notify("done"), "tester");
        string partition = harness.Counter.PartitionOf("n13");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        await harness.Outbox.PerformAsync(partition, row.Id, harness.Orchestrations);

        await harness.Outbox.GiveUpAsync(partition, row.Id, "too late", harness.Orchestrations);

        Assert.Empty(failing.GiveUps);
        Assert.Empty(await harness.Store.OutboxAsync(partition));
    }

    [Fact]
    public async Task RelayAndEffectsMessage_RowGivenUp_AreLeftAlone()
    {
        var clock = new ManualClock(Start);
        var failing = new FailingEffect(CounterDecider.NotifyEffect, failures: int.MaxValue);
        DurableHarness harness = await DurableHarness.CreateAsync(clock, [failing], sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("n14", "m1", new Notify("given up"), "tester");
        string partition = harness.Counter.PartitionOf("n14");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        await harness.Outbox.GiveUpAsync(partition, row.Id, "gone", harness.Orchestrations);
        clock.Advance(TimeSpan.FromHours(1));

        IReadOnlyList<string> relayed = await harness.Outbox.RelayAsync(TimeSpan.Zero, harness.Orchestrations);
        await harness.Dispatcher.HandleAsync(
            WorkQueue.Serialize(new WorkMessage("effects-counter-n14-1", WorkMessage.EffectsKind, "counter", "n14", "1")), 1, harness.Orchestrations);

        Assert.Empty(relayed);
        Assert.Empty(harness.Orchestrations.Started);
        Assert.Equal(0, failing.Attempts);
        Assert.Equal("gone", Assert.Single(await harness.Store.OutboxAsync(partition)).Error);
    }

    [Fact]
    public async Task AggregateCommand_DeliveredTwice_AppliesToTheTargetOnce()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(sendEffectsAfterCommit: false);
        await harness.Counter.HandleAsync("source", "m1", new Forward("target", 4), "tester");
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(harness.Counter.PartitionOf("source")));
        var context = new SideEffectContext(harness.Counter.PartitionOf("source"), row.Id, row.Kind, row.Payload, harness.Orchestrations, row.CreatedAt);

        await harness.CommandEffect.ExecuteAsync(context, default);
        await harness.CommandEffect.ExecuteAsync(context, default);

        var target = await harness.Counter.GetAsync("target");
        Assert.Equal(4, target!.State.Count);
        Assert.Equal(1, target.Sequence);
        Assert.Equal("forwarder", Assert.Single((await harness.Counter.HistoryAsync("target")).Events).Actor);
    }

    private static EffectsRetry RetryStarted(DurableHarness harness, string instanceId)
    {
        Assert.True(harness.Orchestrations.Started.TryGetValue(instanceId, out var started), $"{instanceId} was not started");
        Assert.Equal("Effects_Retry", started.Orchestrator);
        return Assert.IsType<EffectsRetry>(started.Input);
    }

    private static async Task CommitAsync(DurableHarness harness, string partition, IReadOnlyList<OutboxRecord> outbox)
    {
        var commit = new AggregateCommit(
            partition, null, 1, """{"count":0,"rings":0,"status":"idle"}""", "idle", new Dictionary<string, TimerSlot>(),
            [new EventRecord(1, "Notified", "tester", Start, "idle", "idle", """{"type":"notified","text":"three effects"}""")], outbox, "m1", Start);
        Assert.Equal(CommitOutcome.Committed, await harness.Store.CommitAsync(commit));
    }

    /// <summary>Throws on its first <c>failures</c> attempts; records every attempt and every give-up.</summary>
    private sealed class FailingEffect(string kind, int failures) : ISideEffectHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _payloads = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Key, string Error)> _giveUps = new();

        public string Kind => kind;

        public int Attempts => _payloads.Count;

        public IReadOnlyCollection<string> Payloads => _payloads;

        public IReadOnlyCollection<(string Key, string Error)> GiveUps => _giveUps;

        public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
        {
            _payloads.Enqueue(context.Payload);
            return _payloads.Count <= failures ? throw new HttpRequestException("mail server down") : Task.CompletedTask;
        }

        public Task GiveUpAsync(SideEffectContext context, string error, CancellationToken cancellationToken)
        {
            _giveUps.Enqueue((context.IdempotencyKey, error));
            return Task.CompletedTask;
        }
    }
}
