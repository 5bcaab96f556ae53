using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Testing;

namespace Hub.Storage.Tests.Queues;

internal static class TestQueues
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static async Task<QueueClient> CreateAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        QueueClient queue = azurite.Account().GetQueueClient(Azurite.UniqueName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    /// <summary>The same queue without the hub's encoding: what is on the wire.</summary>
    public static QueueClient Raw(QueueClient queue) => new(
        queue.Uri,
        new Azure.Storage.StorageSharedKeyCredential(Hub.Storage.Account.StorageConnectionString.DevelopmentAccountName, Hub.Storage.Account.StorageConnectionString.DevelopmentAccountKey),
        new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    /// <summary>Polls until one message can be received, for at most ten seconds.</summary>
    public static async Task<QueueMessage> ReceiveOneWithinAsync(QueueClient queue, TimeSpan visibilityTimeout)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            QueueMessage[] received = await queue.ReceiveMessagesAsync(1, visibilityTimeout, timeout.Token);
            if (received.Length > 0)
            {
                return received[0];
            }

            await Task.Delay(250, timeout.Token);
        }
    }
}
