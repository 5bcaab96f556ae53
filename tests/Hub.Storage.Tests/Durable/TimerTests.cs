using System.Text.Json;
using Hub.Storage.Durable;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

/// <summary>
/// What the storage layer owns of an aggregate timer: setting one commits a <c>hub.timer</c> outbox row and a timer
/// slot with its token; firing it through <see cref="IAggregateHandler.FireTimerAsync"/> applies the aggregate's timer
/// command once, and only while the token is live. The wait itself (the <c>AggregateTimer</c> orchestration the row's
/// effect starts, its durable timer and fire activity) belongs to the Durable engine and is covered by the Functions
/// tests, which run the hub with its Durable worker.
/// </summary>
public sealed class TimerTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SetAlarm_CommitsATimerOutboxRowAndASlotWithItsToken()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(new ManualClock(Now), sendEffectsAfterCommit: false);
        string partition = harness.Counter.PartitionOf("t1");

        await harness.Counter.HandleAsync("t1", "set", new SetAlarm("wake", Due), "tester");

        TimerSlot slot = Assert.Single((await harness.Store.LoadAsync(partition))!.Timers, t => t.Key == "wake").Value;
        Assert.Equal("counter:t1:wake:1", slot.Token);
        Assert.Equal(Due, slot.DueAt);
        OutboxRecord row = Assert.Single(await harness.Store.OutboxAsync(partition));
        Assert.Equal("hub.timer", row.Kind);
        Assert.Equal(
            $$"""{"aggregateKind":"counter","aggregateId":"t1","name":"wake","token":"{{slot.Token}}","dueAt":"2026-12-01T10:00:00+00:00","payload":"wake","fireAt":null}""",
            row.Payload);
        Assert.Equal(new AggregateTimer("counter", "t1", "wake", slot.Token, Due, "wake"), JsonSerializer.Deserialize<AggregateTimer>(row.Payload, Json));
    }

    [Fact]
    public async Task FireTimerAsync_LiveTokenTwice_FiresTheTimerCommandOnce()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(new ManualClock(Now), sendEffectsAfterCommit: false);
        string partition = harness.Counter.PartitionOf("t2");
        await harness.Counter.HandleAsync("t2", "set", new SetAlarm("wake", Due), "tester");
        AggregateTimer timer = Assert.Single(await TimersAsync(harness, partition));

        CommandStatus first = await harness.Counter.FireTimerAsync(timer, default);
        CommandStatus again = await harness.Counter.FireTimerAsync(timer, default);

        Assert.Equal((CommandStatus.Applied, CommandStatus.Duplicate), (first, again));
        var view = await harness.Counter.GetAsync("t2");
        Assert.Equal(1, view!.State.Rings);
        Assert.Equal(2, view.Sequence);
        var history = (await harness.Counter.HistoryAsync("t2")).Events;
        Assert.Equal(["AlarmSet", "Rang"], history.Select(e => e.Type));
        Assert.Equal("timer", history[1].Actor);
        Assert.Empty((await harness.Store.LoadAsync(partition))!.Timers);
        Assert.NotNull(await harness.Store.InboxAsync(partition, "timer-" + timer.Token));
    }

    [Fact]
    public async Task FireTimerAsync_CancelledToken_IsDropped()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(new ManualClock(Now), sendEffectsAfterCommit: false);
        string partition = harness.Counter.PartitionOf("t3");
        await harness.Counter.HandleAsync("t3", "set", new SetAlarm("wake", Due), "tester");
        await harness.Counter.HandleAsync("t3", "cancel", new CancelAlarm("wake"), "tester");
        AggregateTimer timer = Assert.Single(await TimersAsync(harness, partition));

        CommandStatus status = await harness.Counter.FireTimerAsync(timer, default);

        Assert.Equal(CommandStatus.Dropped, status);
        var view = await harness.Counter.GetAsync("t3");
        Assert.Equal(0, view!.State.Rings);
        Assert.Equal(2, view.Sequence);
    }

    [Fact]
    public async Task FireTimerAsync_Rescheduled_OnlyTheLatestTokenFires()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(new ManualClock(Now), sendEffectsAfterCommit: false);
        string partition = harness.Counter.PartitionOf("t4");
        await harness.Counter.HandleAsync("t4", "set-1", new SetAlarm("wake", Due), "tester");
        await harness.Counter.HandleAsync("t4", "set-2", new SetAlarm("wake", Due.AddHours(1)), "tester");
        IReadOnlyList<AggregateTimer> timers = await TimersAsync(harness, partition);

        // Both orchestrations were started and both fire, the superseded one first.
        CommandStatus superseded = await harness.Counter.FireTimerAsync(timers[0], default);
        CommandStatus latest = await harness.Counter.FireTimerAsync(timers[1], default);

        Assert.Equal([Due, Due.AddHours(1)], timers.Select(t => t.DueAt));
        Assert.Equal((CommandStatus.Dropped, CommandStatus.Applied), (superseded, latest));
        Assert.Equal(["AlarmSet", "AlarmSet", "Rang"], (await harness.Counter.HistoryAsync("t4")).Events.Select(e => e.Type));
        Assert.Empty((await harness.Store.LoadAsync(partition))!.Timers);
    }

    [Fact]
    public async Task FireTimerAsync_SupersededTokenAfterTheLatestFired_IsDropped()
    {
        DurableHarness harness = await DurableHarness.CreateAsync(new ManualClock(Now), sendEffectsAfterCommit: false);
        string partition = harness.Counter.PartitionOf("t5");
        await harness.Counter.HandleAsync("t5", "set-1", new SetAlarm("wake", Due), "tester");
        await harness.Counter.HandleAsync("t5", "set-2", new SetAlarm("wake", Due.AddHours(1)), "tester");
        IReadOnlyList<AggregateTimer> timers = await TimersAsync(harness, partition);

        CommandStatus latest = await harness.Counter.FireTimerAsync(timers[1], default);
        CommandStatus superseded = await harness.Counter.FireTimerAsync(timers[0], default);

        Assert.Equal((CommandStatus.Applied, CommandStatus.Dropped), (latest, superseded));
        Assert.Equal(1, (await harness.Counter.GetAsync("t5"))!.State.Rings);
    }

    /// <summary>The timers the partition's outbox rows would start, oldest first, as the orchestration receives them.</summary>
    private static async Task<IReadOnlyList<AggregateTimer>> TimersAsync(DurableHarness harness, string partition) =>
        [.. (await harness.Store.OutboxAsync(partition))
            .Where(r => r.Kind == "hub.timer")
            .Select(r => JsonSerializer.Deserialize<AggregateTimer>(r.Payload, Json)!)];
}
