using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

public sealed class TimerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Timer_WhenDue_FiresTheAggregatesTimerCommand()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        DateTimeOffset due = DateTimeOffset.UtcNow.AddSeconds(1);

        await harness.Counter.HandleAsync("t1", "set", new SetAlarm("wake", due), "tester");
        await harness.DrainAsync(async () => (await harness.Counter.GetAsync("t1"))!.State.Rings == 1, Patience);

        var history = (await harness.Counter.HistoryAsync("t1")).Events;
        Assert.Equal(["AlarmSet", "Rang"], history.Select(e => e.Type));
        Assert.Equal("timer", history[1].Actor);
        Assert.True(history[1].At >= due, $"fired at {history[1].At:O}, due {due:O}");
        Assert.Empty((await harness.Store.LoadAsync(harness.Counter.PartitionOf("t1")))!.Timers);
    }

    [Fact]
    public async Task Timer_Cancelled_IsDroppedWhenItSurfaces()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("t2", "set", new SetAlarm("wake", DateTimeOffset.UtcNow.AddSeconds(1)), "tester");

        await harness.Counter.HandleAsync("t2", "cancel", new CancelAlarm("wake"), "tester");
        await harness.DrainAsync(async () => await harness.Queue.GetApproximateMessageCountAsync() == 0, Patience);

        var view = await harness.Counter.GetAsync("t2");
        Assert.Equal(0, view!.State.Rings);
        Assert.Equal(2, view.Sequence);
    }

    [Fact]
    public async Task Timer_Rescheduled_OnlyTheLatestFires()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("t3", "set-1", new SetAlarm("wake", DateTimeOffset.UtcNow.AddSeconds(1)), "tester");

        await harness.Counter.HandleAsync("t3", "set-2", new SetAlarm("wake", DateTimeOffset.UtcNow.AddSeconds(2)), "tester");
        await harness.DrainAsync(async () => await harness.Queue.GetApproximateMessageCountAsync() == 0, Patience);

        var history = (await harness.Counter.HistoryAsync("t3")).Events;
        Assert.Equal(["AlarmSet", "AlarmSet", "Rang"], history.Select(e => e.Type));
    }

    [Fact]
    public async Task Timer_SupersededTokenDeliveredAgain_IsDropped()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        DateTimeOffset due = DateTimeOffset.UtcNow;
        await harness.Counter.HandleAsync("t4", "set-1", new SetAlarm("wake", due), "tester");
        string stale = WorkQueue.Serialize(new WorkMessage(
            "timer-stale", WorkMessage.TimerKind, "counter", "t4", "wake", Timer: new WorkTimer("wake", "not-the-live-token", due)));

        await harness.Dispatcher.HandleAsync(stale, 1);

        Assert.Equal(0, (await harness.Counter.GetAsync("t4"))!.State.Rings);
        Assert.Single((await harness.Store.LoadAsync(harness.Counter.PartitionOf("t4")))!.Timers);
    }

    [Fact]
    public async Task Timer_FiredMessageDeliveredTwice_RingsOnce()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Counter.HandleAsync("t5", "set", new SetAlarm("wake", DateTimeOffset.UtcNow), "tester");
        QueueMessage message = await ReceiveOneAsync(harness.Queue);

        await harness.Dispatcher.HandleAsync(message.Body.ToString(), 1);
        await harness.Dispatcher.HandleAsync(message.Body.ToString(), 2);

        Assert.Equal(1, (await harness.Counter.GetAsync("t5"))!.State.Rings);
    }

    [Fact]
    public async Task Timer_TenDaysAway_IsReEnqueuedForTheRemainderThenFires()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        DurableHarness harness = await DurableHarness.CreateAsync(clock);
        DateTimeOffset due = clock.GetUtcNow().AddDays(10);

        await harness.Counter.HandleAsync("t6", "set", new SetAlarm("review", due), "tester");

        // Sent invisible for the queue's longest wait, six days: nothing to receive now.
        Assert.Equal(TimeSpan.FromDays(6), harness.Work.TimerDelay(due));
        Assert.Empty((await harness.Queue.ReceiveMessagesAsync(1)).Value);
        Assert.Equal(1, await harness.Queue.GetApproximateMessageCountAsync());
        // The invisible message is what the runtime sent: the live token of the "review" slot.
        TimerSlot slot = (await harness.Store.LoadAsync(harness.Counter.PartitionOf("t6")))!.Timers["review"];
        string text = WorkQueue.Serialize(new WorkMessage(
            $"timer-{slot.Token}", WorkMessage.TimerKind, "counter", "t6", "review", Timer: new WorkTimer("review", slot.Token, due)));

        // Six days later the message surfaces with four days to go: it goes back for the remainder and does not fire.
        clock.Advance(TimeSpan.FromDays(6));
        await harness.Dispatcher.HandleAsync(text, 1);
        Assert.Equal(TimeSpan.FromDays(4), harness.Work.TimerDelay(due));
        Assert.Equal(2, await harness.Queue.GetApproximateMessageCountAsync());
        Assert.Equal(0, (await harness.Counter.GetAsync("t6"))!.State.Rings);

        // Ten days after it was set, it fires.
        clock.Advance(TimeSpan.FromDays(4));
        await harness.Dispatcher.HandleAsync(text, 1);
        Assert.Equal(1, (await harness.Counter.GetAsync("t6"))!.State.Rings);
    }

    private static async Task<QueueMessage> ReceiveOneAsync(QueueClient queue)
    {
        using var cts = new CancellationTokenSource(Patience);
        while (true)
        {
            QueueMessage[] received = await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30), cts.Token);
            if (received.Length == 1)
            {
                return received[0];
            }

            await Task.Delay(100, cts.Token);
        }
    }
}
