using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Storage.Queues;

namespace Hub.Storage.Tests.Queues;

/// <summary>
/// The visibility semantics durable timers and the queue runner rely on. Visibility is measured in whole seconds by
/// the service; these tests use 1-2 s windows to stay fast.
/// </summary>
public sealed class QueueVisibilityTests
{
    [Fact]
    public async Task Receive_BeforeVisibilityDelay_ReturnsNothing()
    {
        QueueClient queue = await TestQueues.CreateAsync();

        await queue.SendMessageAsync("timer:incident-42", visibilityTimeout: TimeSpan.FromSeconds(30));
        QueueMessage[] received = await queue.ReceiveMessagesAsync();

        Assert.Empty(received);
    }

    [Fact]
    public async Task Receive_AfterVisibilityDelay_ReturnsMessage()
    {
        QueueClient queue = await TestQueues.CreateAsync();
        SendReceipt receipt = await queue.SendMessageAsync("timer:incident-43", visibilityTimeout: TimeSpan.FromSeconds(1));
        QueueMessage[] before = await queue.ReceiveMessagesAsync();

        QueueMessage after = await TestQueues.ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(30));

        Assert.Empty(before);
        Assert.Equal(receipt.MessageId, after.MessageId);
        Assert.Equal("timer:incident-43", after.Body.ToString());
        Assert.True(receipt.TimeNextVisible >= receipt.InsertionTime.AddSeconds(1));
    }

    [Fact]
    public async Task Receive_CountAndVisibilityTimeout_HidesThenRedeliversWithHigherDequeueCount()
    {
        QueueClient queue = await TestQueues.CreateAsync();
        await queue.SendMessageAsync("a");
        await queue.SendMessageAsync("b");
        await queue.SendMessageAsync("c");

        QueueMessage[] first = await queue.ReceiveMessagesAsync(maxMessages: 2, visibilityTimeout: TimeSpan.FromSeconds(1));
        QueueMessage[] rest = await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromSeconds(60));
        QueueMessage again = await TestQueues.ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(60));

        Assert.Equal(2, first.Length);
        Assert.All(first, m => Assert.Equal(1, m.DequeueCount));
        Assert.Equal("c", Assert.Single(rest).Body.ToString());
        Assert.Contains(again.MessageId, first.Select(m => m.MessageId));
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task UpdateMessage_ReceivedMessage_ReturnsNewPopReceiptAndOldOneNoLongerDeletes()
    {
        QueueClient queue = await TestQueues.CreateAsync();
        await queue.SendMessageAsync("original");
        QueueMessage received = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value);

        UpdateReceipt update = await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, "updated", TimeSpan.FromSeconds(1));
        bool deletedWithOld = await queue.TryDeleteMessageAsync(received.MessageId, received.PopReceipt);
        QueueMessage again = await TestQueues.ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(30));
        bool deletedWithNew = await queue.TryDeleteMessageAsync(again.MessageId, again.PopReceipt);

        Assert.NotEqual(received.PopReceipt, update.PopReceipt);
        Assert.False(deletedWithOld);
        Assert.Equal("updated", again.Body.ToString());
        Assert.True(deletedWithNew);
    }

    [Fact]
    public async Task TryDeleteMessage_StalePopReceiptAfterRedelivery_ReturnsFalse()
    {
        QueueClient queue = await TestQueues.CreateAsync();
        await queue.SendMessageAsync("work");
        QueueMessage first = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value);
        QueueMessage second = await TestQueues.ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(30));

        bool deletedWithStale = await queue.TryDeleteMessageAsync(first.MessageId, first.PopReceipt);
        bool deletedWithCurrent = await queue.TryDeleteMessageAsync(second.MessageId, second.PopReceipt);

        Assert.False(deletedWithStale);
        Assert.True(deletedWithCurrent);
    }
}
