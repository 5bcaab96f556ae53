using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Storage.Queues;
using Hub.Testing;

namespace Hub.Storage.Tests.Queues;

public sealed class QueueClientExtensionsTests
{
    [Fact]
    public async Task Send_Text_PutsBase64OfUtf8OnTheWire()
    {
        QueueClient queue = await TestQueues.CreateAsync();

        await queue.SendMessageAsync("héllo");
        PeekedMessage wire = Assert.Single((await TestQueues.Raw(queue).PeekMessagesAsync()).Value);
        QueueMessage received = Assert.Single((await queue.ReceiveMessagesAsync()).Value);

        // 68 C3 A9 6C 6C 6F, base64-encoded by hand.
        Assert.Equal("aMOpbGxv", wire.Body.ToString());
        Assert.Equal("héllo", received.Body.ToString());
    }

    [Fact]
    public async Task Receive_PlainTextWrittenByAnotherTool_MovesItAsItWasToThePoisonQueue()
    {
        QueueClient queue = await TestQueues.CreateAsync();
        await TestQueues.Raw(queue).SendMessageAsync("not base64: {\"id\":1}");
        QueueClient poison = Azure.Storage.Queues.Specialized.SpecializedQueueExtensions.GetParentQueueServiceClient(queue).GetQueueClient(queue.Name + "-poison");

        QueueMessage[] received = await queue.ReceiveMessagesAsync(32);
        PeekedMessage moved = Assert.Single((await poison.PeekMessagesAsync(5)).Value);

        Assert.Empty(received);
        Assert.Equal("not base64: {\"id\":1}", moved.Body.ToString());
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), moved.ExpiresOn);
        Assert.Empty((await queue.PeekMessagesAsync(5)).Value);
    }

    [Fact]
    public async Task Send_NeverExpires_ExpiresInYear9999()
    {
        QueueClient queue = await TestQueues.CreateAsync();

        await queue.SendMessageAsync("timer", timeToLive: QueueClientExtensions.NeverExpires);
        PeekedMessage peeked = Assert.Single((await queue.PeekMessagesAsync()).Value);

        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), peeked.ExpiresOn);
    }

    [Fact]
    public async Task TryDeleteMessage_MissingMessage_ReturnsFalse()
    {
        QueueClient queue = await TestQueues.CreateAsync();
        await queue.SendMessageAsync("once");
        QueueMessage received = Assert.Single((await queue.ReceiveMessagesAsync()).Value);

        bool first = await queue.TryDeleteMessageAsync(received.MessageId, received.PopReceipt);
        bool second = await queue.TryDeleteMessageAsync(received.MessageId, received.PopReceipt);

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task GetApproximateMessageCount_ThreeMessages_ReturnsThree()
    {
        QueueClient queue = await TestQueues.CreateAsync();
        for (int i = 0; i < 3; i++)
        {
            await queue.SendMessageAsync($"m{i}");
        }

        int count = await queue.GetApproximateMessageCountAsync();

        Assert.Equal(3, count);
    }

    [Fact]
    public async Task GetApproximateMessageCount_QueueNotCreated_ReturnsZero()
    {
        Azurite azurite = await Azurite.SharedAsync();
        QueueClient missing = azurite.Account().GetQueueClient(Azurite.UniqueName("q"));

        int count = await missing.GetApproximateMessageCountAsync();

        Assert.Equal(0, count);
        Assert.False(await missing.ExistsAsync());
    }
}
