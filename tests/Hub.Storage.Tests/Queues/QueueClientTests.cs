using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Storage.Account;
using Hub.Storage.Queues;
using Hub.Testing;

namespace Hub.Storage.Tests.Queues;

public sealed class QueueClientTests
{
    [Fact]
    public async Task CreateIfNotExists_CalledTwice_CreatesOnce()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var queue = new QueueClient(azurite.Account(), Azurite.UniqueName("q"));

        bool first = await queue.CreateIfNotExistsAsync();
        bool second = await queue.CreateIfNotExistsAsync();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task DeleteIfExists_ExistingThenMissing_ReturnsTrueThenFalse()
    {
        QueueClient queue = await CreateQueueAsync();

        bool first = await queue.DeleteIfExistsAsync();
        bool second = await queue.DeleteIfExistsAsync();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task SendReceiveDelete_OneMessage_RoundTripsTextAndEmptiesQueue()
    {
        QueueClient queue = await CreateQueueAsync();

        SendReceipt receipt = await queue.SendAsync("ticket:42 — réouvert");
        IReadOnlyList<QueueMessage> received = await queue.ReceiveAsync();
        bool deleted = await queue.DeleteMessageAsync(received[0].MessageId, received[0].PopReceipt);
        IReadOnlyList<PeekedMessage> after = await queue.PeekAsync();

        QueueMessage message = Assert.Single(received);
        Assert.Equal(receipt.MessageId, message.MessageId);
        Assert.Equal("ticket:42 — réouvert", message.Text);
        Assert.Equal(1, message.DequeueCount);
        Assert.True(deleted);
        Assert.Empty(after);
    }

    [Fact]
    public async Task Send_Text_PutsBase64OfUtf8OnTheWire()
    {
        QueueClient queue = await CreateQueueAsync();

        await queue.SendAsync("héllo");
        string wire = await RawPeekTextAsync(queue);

        // 68 C3 A9 6C 6C 6F, base64-encoded by hand.
        Assert.Equal("aMOpbGxv", wire);
    }

    [Fact]
    public async Task Receive_PlainTextWrittenByAnotherTool_KeepsRawText()
    {
        QueueClient queue = await CreateQueueAsync();
        await RawSendAsync(queue, "not base64: {\"id\":1}");

        IReadOnlyList<QueueMessage> received = await queue.ReceiveAsync();

        Assert.Equal("not base64: {\"id\":1}", Assert.Single(received).Text);
    }

    [Fact]
    public async Task Send_InfiniteTimeToLive_ExpiresInYear9999()
    {
        QueueClient queue = await CreateQueueAsync();

        SendReceipt receipt = await queue.SendAsync("timer", timeToLive: Timeout.InfiniteTimeSpan);
        PeekedMessage peeked = Assert.Single(await queue.PeekAsync());

        Assert.Equal(9999, receipt.ExpiresOn.Year);
        Assert.Equal(9999, peeked.ExpiresOn.Year);
    }

    [Fact]
    public async Task Send_DefaultTimeToLive_ExpiresInSevenDays()
    {
        QueueClient queue = await CreateQueueAsync();

        SendReceipt receipt = await queue.SendAsync("work");

        Assert.Equal(TimeSpan.FromDays(7), receipt.ExpiresOn - receipt.InsertedOn);
    }

    [Fact]
    public async Task Send_EncodedTextExactly64KiB_IsAccepted()
    {
        QueueClient queue = await CreateQueueAsync();
        // 49,152 bytes encode to 49,152 / 3 * 4 = 65,536 base64 characters: exactly the limit.
        string text = new('x', 49_152);

        await queue.SendAsync(text);
        QueueMessage received = Assert.Single(await queue.ReceiveAsync());

        Assert.Equal(text, received.Text);
    }

    [Fact]
    public async Task Send_EncodedTextOver64KiB_ThrowsBeforeSending()
    {
        QueueClient queue = await CreateQueueAsync();
        string text = new('x', 49_153);

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync(text));
        int count = await queue.GetApproximateMessageCountAsync();

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task Send_VisibilityDelayOverSevenDays_ThrowsArgumentOutOfRange()
    {
        QueueClient queue = await CreateQueueAsync();

        Task Act() => queue.SendAsync("late", visibilityDelay: TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(Act);
    }

    [Fact]
    public async Task Receive_MaxMessagesOutOfRange_ThrowsArgumentOutOfRange()
    {
        QueueClient queue = await CreateQueueAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveAsync(maxMessages: 33));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveAsync(maxMessages: 0));
    }

    [Fact]
    public async Task Peek_TwoMessages_SeesBothWithoutDequeuing()
    {
        QueueClient queue = await CreateQueueAsync();
        await queue.SendAsync("one");
        await queue.SendAsync("two");

        IReadOnlyList<PeekedMessage> peeked = await queue.PeekAsync(maxMessages: 5);
        IReadOnlyList<QueueMessage> received = await queue.ReceiveAsync(maxMessages: 5);

        Assert.Equal(["one", "two"], peeked.Select(m => m.Text));
        Assert.All(peeked, m => Assert.Equal(0, m.DequeueCount));
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task GetApproximateMessageCount_ThreeMessages_ReturnsThree()
    {
        QueueClient queue = await CreateQueueAsync();
        await queue.SendAsync("a");
        await queue.SendAsync("b");
        await queue.SendAsync("c");

        int count = await queue.GetApproximateMessageCountAsync();

        Assert.Equal(3, count);
    }

    [Fact]
    public async Task DeleteMessage_MissingMessage_ReturnsFalse()
    {
        QueueClient queue = await CreateQueueAsync();
        SendReceipt receipt = await queue.SendAsync("once");
        await queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt);

        bool deleted = await queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt);

        Assert.False(deleted);
    }

    [Fact]
    public async Task UpdateVisibility_MissingMessage_ThrowsNotFound()
    {
        QueueClient queue = await CreateQueueAsync();
        SendReceipt receipt = await queue.SendAsync("once");
        await queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => queue.UpdateVisibilityAsync(receipt.MessageId, receipt.PopReceipt, TimeSpan.FromSeconds(10)));

        Assert.Equal(404, error.Status);
        Assert.Equal("MessageNotFound", error.ErrorCode);
    }

    private static async Task<QueueClient> CreateQueueAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var queue = new QueueClient(azurite.Account(), Azurite.UniqueName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    private static async Task<string> RawPeekTextAsync(QueueClient queue)
    {
        StorageAccount account = (await Azurite.SharedAsync()).Account();
        HttpPipeline pipeline = account.Pipeline(StorageService.Queue);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(queue.Uri + "/messages?peekonly=true"));

        await pipeline.SendAsync(message, default);

        Assert.Equal(200, message.Response.Status);
        return XDocument.Parse(message.Response.Content.ToString()).Root!.Element("QueueMessage")!.Element("MessageText")!.Value;
    }

    private static async Task RawSendAsync(QueueClient queue, string wireText)
    {
        StorageAccount account = (await Azurite.SharedAsync()).Account();
        HttpPipeline pipeline = account.Pipeline(StorageService.Queue);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(new Uri(queue.Uri + "/messages"));
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        string body = new XElement("QueueMessage", new XElement("MessageText", wireText)).ToString(SaveOptions.DisableFormatting);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body));

        await pipeline.SendAsync(message, default);

        Assert.Equal(201, message.Response.Status);
    }
}
