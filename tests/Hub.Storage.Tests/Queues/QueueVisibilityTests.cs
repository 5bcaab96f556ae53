using Hub.Storage.Queues;
using Hub.Testing;

namespace Hub.Storage.Tests.Queues;

/// <summary>Visibility is measured in whole seconds by the service; these tests use 1-2 s windows to stay fast.</summary>
public sealed class QueueVisibilityTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Receive_BeforeVisibilityDelay_ReturnsNothing()
    {
        QueueClient queue = await CreateQueueAsync();

        await queue.SendAsync("timer:incident-42", visibilityDelay: TimeSpan.FromSeconds(30));
        IReadOnlyList<QueueMessage> received = await queue.ReceiveAsync();

        Assert.Empty(received);
    }

    [Fact]
    public async Task Receive_AfterVisibilityDelay_ReturnsMessage()
    {
        QueueClient queue = await CreateQueueAsync();
        SendReceipt receipt = await queue.SendAsync("timer:incident-43", visibilityDelay: TimeSpan.FromSeconds(1));
        IReadOnlyList<QueueMessage> before = await queue.ReceiveAsync();

        QueueMessage after = await ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(30));

        Assert.Empty(before);
        Assert.Equal(receipt.MessageId, after.MessageId);
        Assert.Equal("timer:incident-43", after.Text);
        Assert.True(receipt.NextVisibleOn >= receipt.InsertedOn.AddSeconds(1));
    }

    [Fact]
    public async Task Receive_CountAndVisibilityTimeout_HidesThenRedeliversWithHigherDequeueCount()
    {
        QueueClient queue = await CreateQueueAsync();
        await queue.SendAsync("a");
        await queue.SendAsync("b");
        await queue.SendAsync("c");

        IReadOnlyList<QueueMessage> first = await queue.ReceiveAsync(maxMessages: 2, visibilityTimeout: TimeSpan.FromSeconds(1));
        IReadOnlyList<QueueMessage> rest = await queue.ReceiveAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromSeconds(60));
        QueueMessage again = await ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(60));

        Assert.Equal(2, first.Count);
        Assert.All(first, m => Assert.Equal(1, m.DequeueCount));
        Assert.Equal("c", Assert.Single(rest).Text);
        Assert.Contains(again.MessageId, first.Select(m => m.MessageId));
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task UpdateVisibility_ReceivedMessage_ReturnsNewPopReceiptAndOldOneNoLongerDeletes()
    {
        QueueClient queue = await CreateQueueAsync();
        await queue.SendAsync("original");
        QueueMessage received = Assert.Single(await queue.ReceiveAsync(visibilityTimeout: TimeSpan.FromSeconds(30)));

        string newReceipt = await queue.UpdateVisibilityAsync(received.MessageId, received.PopReceipt, TimeSpan.FromSeconds(1), "updated");
        bool deletedWithOld = await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);
        QueueMessage again = await ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(30));
        bool deletedWithNew = await queue.DeleteMessageAsync(again.MessageId, again.PopReceipt);

        Assert.NotEqual(received.PopReceipt, newReceipt);
        Assert.False(deletedWithOld);
        Assert.Equal("updated", again.Text);
        Assert.True(deletedWithNew);
    }

    [Fact]
    public async Task DeleteMessage_StalePopReceiptAfterRedelivery_ReturnsFalse()
    {
        QueueClient queue = await CreateQueueAsync();
        await queue.SendAsync("work");
        QueueMessage first = Assert.Single(await queue.ReceiveAsync(visibilityTimeout: TimeSpan.FromSeconds(1)));
        QueueMessage second = await ReceiveOneWithinAsync(queue, TimeSpan.FromSeconds(30));

        bool deletedWithStale = await queue.DeleteMessageAsync(first.MessageId, first.PopReceipt);
        bool deletedWithCurrent = await queue.DeleteMessageAsync(second.MessageId, second.PopReceipt);

        Assert.False(deletedWithStale);
        Assert.True(deletedWithCurrent);
    }

    private static async Task<QueueMessage> ReceiveOneWithinAsync(QueueClient queue, TimeSpan visibilityTimeout)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            IReadOnlyList<QueueMessage> received = await queue.ReceiveAsync(visibilityTimeout: visibilityTimeout, cancellationToken: timeout.Token);
            if (received.Count > 0)
            {
                return received[0];
            }

            await Task.Delay(250, timeout.Token);
        }
    }

    private static async Task<QueueClient> CreateQueueAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var queue = new QueueClient(azurite.Account(), Azurite.UniqueName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }
}
