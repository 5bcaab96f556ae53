using Azure.Data.Tables;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

public sealed class AggregateProcessorTests
{
    [Fact]
    public async Task HandleAsync_EightWritersOfHundredCommandsOnOneAggregate_AppliesAllExactlyOnce()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                var outcome = await harness.Counter.HandleAsync("hot", $"w{writer}-m{i}", new Increment(1), $"writer-{writer}");
                Assert.Equal(CommandStatus.Applied, outcome.Status);
            }
        })));

        var view = await harness.Counter.GetAsync("hot");
        Assert.Equal(800, view!.State.Count);
        Assert.Equal(800, view.Sequence);
        var sequences = new List<long>();
        string? token = null;
        do
        {
            HistoryPage page = await harness.Counter.HistoryAsync("hot", token, 300);
            sequences.AddRange(page.Events.Select(e => e.Sequence));
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(Enumerable.Range(1, 800).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task HandleAsync_SameMessageThreeTimes_AppliesOnce()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        var first = await harness.Counter.HandleAsync("c1", "msg-1", new Increment(5), "tester");
        var second = await harness.Counter.HandleAsync("c1", "msg-1", new Increment(5), "tester");
        var third = await harness.Counter.HandleAsync("c1", "msg-1", new Increment(5), "tester");

        Assert.Equal([CommandStatus.Applied, CommandStatus.Duplicate, CommandStatus.Duplicate], new[] { first.Status, second.Status, third.Status });
        Assert.Equal(5, (await harness.Counter.GetAsync("c1"))!.State.Count);
    }

    [Fact]
    public async Task HandleAsync_SameMessageConcurrently_AppliesOnce()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => harness.Counter.HandleAsync("c2", "msg-x", new Increment(7), "tester"))));

        Assert.Single(outcomes, o => o.Status == CommandStatus.Applied);
        Assert.Equal(2, outcomes.Count(o => o.Status == CommandStatus.Duplicate));
        var view = await harness.Counter.GetAsync("c2");
        Assert.Equal(7, view!.State.Count);
        Assert.Equal(1, view.Sequence);
    }

    [Fact]
    public async Task HandleAsync_Refused_ReturnsReasonAndChangesNothing()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("c3", "m1", new Increment(1), "tester");

        var outcome = await harness.Counter.HandleAsync("c3", "m2", new Increment(0), "tester");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("Increment must be positive.", outcome.Reason);
        Assert.Equal(1, (await harness.Counter.GetAsync("c3"))!.Sequence);
        Assert.Null(await harness.Store.InboxAsync(harness.Counter.PartitionOf("c3"), "m2"));
    }

    [Fact]
    public async Task HandleAsync_RecordsActorTimeAndStateNamesInHistory()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero));
        DurableHarness harness = await DurableHarness.CreateAsync(clock);

        await harness.Counter.HandleAsync("c4", "m1", new Increment(2), "alice");

        EventRecord e = Assert.Single((await harness.Counter.HistoryAsync("c4")).Events);
        Assert.Equal(1, e.Sequence);
        Assert.Equal("Incremented", e.Type);
        Assert.Equal("alice", e.Actor);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero), e.At);
        Assert.Equal("idle", e.FromState);
        Assert.Equal("counting", e.ToState);
        Assert.Equal("""{"type":"incremented","by":2,"padding":""}""", e.Data);
    }

    [Fact]
    public async Task HandleAsync_IdWithForbiddenKeyCharacters_IsStoredEscapedAndReadBack()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        await harness.Counter.HandleAsync("team/a#1?x\\y", "m/1", new Increment(3), "tester");

        Assert.Equal(3, (await harness.Counter.GetAsync("team/a#1?x\\y"))!.State.Count);
        Assert.NotNull(await harness.Table.GetEntityOrDefaultAsync("counter:team~2Fa~231~3Fx~5Cy", AggregateStore.StateRow));
        Assert.NotNull(await harness.Store.InboxAsync("counter:team~2Fa~231~3Fx~5Cy", "m/1"));
    }

    [Fact]
    public async Task HandleAsync_EventLargerThanAProperty_SpillsToBlobAndReadsBack()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        await harness.Counter.HandleAsync("big", "m1", new Grow(1, PayloadChars: 100_000), "tester");

        EventRecord e = Assert.Single((await harness.Counter.HistoryAsync("big")).Events);
        Assert.Equal(100_000, e.Data.Count(c => c == 'x'));
        TableEntity row = (await harness.Table.GetEntityOrDefaultAsync(harness.Counter.PartitionOf("big"), AggregateStore.EventRowKey(1)))!;
        Assert.Null(row.GetString("Data"));
        Assert.NotNull(row.GetString("DataBlob"));
    }

    [Fact]
    public async Task HandleAsync_MoreRowsThanOneTransactionHolds_IsRefusedBeforeSending()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => harness.Counter.HandleAsync("wide", "m1", new Grow(99), "tester"));

        Assert.Contains("at most 98 events and outbox rows together; this one has 99", error.Message, StringComparison.Ordinal);
        Assert.Null(await harness.Counter.GetAsync("wide"));
    }
}
