using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Storage.Account;
using Hub.Storage.Tables;
using Hub.Testing;

namespace Hub.Storage.Tests.Account;

public sealed class StorageRequestCounterTests
{
    [Fact]
    public async Task Counter_CountsEachRequestByServiceAndOperation()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var counter = new StorageRequestCounter();
        StorageAccount account = azurite.Account(new StorageClientOptions { RequestCounter = counter });
        TableClient table = account.GetTableClient(Azurite.UniqueName());
        QueueClient queue = account.GetQueueClient(Azurite.UniqueName("q"));

        await table.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        IReadOnlyDictionary<string, long> before = counter.Snapshot();
        await table.AddEntityAsync(new TableEntity("p", "r1"));
        Assert.NotNull(await table.GetEntityOrDefaultAsync("p", "r1"));
        Assert.Null(await table.GetEntityOrDefaultAsync("p", "missing"));
        await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "r2"))]);
        await queue.SendMessageAsync("hello");
        QueueMessage[] received = await queue.ReceiveMessagesAsync(1);
        await queue.DeleteMessageAsync(received[0].MessageId, received[0].PopReceipt);

        IReadOnlyDictionary<string, long> used = StorageRequestCounter.Difference(before, counter.Snapshot());
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["queue DELETE message"] = 1,
                ["queue GET messages"] = 1,
                ["queue POST messages"] = 1,
                ["table GET entity"] = 2,
                ["table POST $batch"] = 1,
                ["table POST insert"] = 1,
            },
            used);
    }

    [Fact]
    public async Task Account_WithoutCounter_CountsNothing()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var counter = new StorageRequestCounter();
        _ = azurite.Account(new StorageClientOptions { RequestCounter = counter });
        TableClient table = azurite.Account().GetTableClient(Azurite.UniqueName());

        await table.CreateIfNotExistsAsync();

        Assert.Equal(0, counter.Total);
    }
}
