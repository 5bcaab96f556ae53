using Hub.Storage.Durable;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task Send_PayloadOverTheQueueLimit_TravelsAsABlobAndReadsBack()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        string big = "{\"type\":\"notify\",\"text\":\"" + new string('y', 200_000) + "\"}";

        await harness.Work.SendAsync(new WorkMessage("big-1", WorkMessage.CommandKind, "counter", "w1", big));
        var received = Assert.Single((await harness.Queue.ReceiveMessagesAsync(1)).Value);
        WorkMessage message = WorkQueue.Parse(received.Body.ToString());

        Assert.Null(message.Payload);
        Assert.Equal("work/big-1", message.PayloadBlob);
        Assert.Equal(big, await harness.Work.ReadPayloadAsync(message));
    }

    [Fact]
    public async Task Send_PayloadThatEscapingDoublesPastTheLimit_Spills()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        // 30,000 characters of JSON, most of them quotes: inline they would serialize to well over 64 KiB of base64.
        string quoted = "[" + string.Join(",", Enumerable.Repeat("\"a\"", 7_500)) + "]";

        await harness.Work.SendAsync(new WorkMessage("quotes-1", WorkMessage.CommandKind, "counter", "w3", quoted));
        WorkMessage message = WorkQueue.Parse(Assert.Single((await harness.Queue.ReceiveMessagesAsync(1)).Value).Body.ToString());

        Assert.Equal("work/quotes-1", message.PayloadBlob);
        Assert.Equal(quoted, await harness.Work.ReadPayloadAsync(message));
    }

    [Fact]
    public async Task HandleAsync_QueuedCommand_IsAppliedWithTheMessageIdAsInbox()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        await harness.Work.SendAsync(new WorkMessage("q-1", WorkMessage.CommandKind, "counter", "w2", """{"type":"increment","by":4}""", Actor: "integrator"));

        await harness.DrainAsync(async () => await harness.Counter.GetAsync("w2") is not null, TimeSpan.FromSeconds(20));

        Assert.Equal(4, (await harness.Counter.GetAsync("w2"))!.State.Count);
        Assert.NotNull(await harness.Store.InboxAsync(harness.Counter.PartitionOf("w2"), "q-1"));
        Assert.Equal("integrator", Assert.Single((await harness.Counter.HistoryAsync("w2")).Events).Actor);
    }
}
