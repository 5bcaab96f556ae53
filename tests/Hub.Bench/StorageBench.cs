using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Storage.Account;
using Hub.Storage.Queues;
using Hub.Storage.Tables;
using Hub.Testing;

namespace Hub.Bench;

internal static class StorageBench
{
    public static async Task RunAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        StorageAccount account = azurite.Account();

        var table = account.GetTableClient(Azurite.UniqueName("b"));
        await table.CreateIfNotExistsAsync();
        const int singles = 2000;
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, singles), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await table.AddEntityAsync(new TableEntity($"p{i % 10}", $"r{i:D6}") { ["Value"] = i, ["Text"] = "single insert" }, ct));
        Report.Rate("table inserts, single (8 writers)", singles, sw.Elapsed, "entities");

        const int batches = 40;
        sw.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, batches), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
            await table.SubmitTransactionAsync(
                Enumerable.Range(0, 100).Select(i => new TableTransactionAction(
                    TableTransactionActionType.Add, new TableEntity($"batch{b}", $"r{i:D6}") { ["Value"] = i, ["Text"] = "batched insert" })).ToList(), ct));
        Report.Rate("table inserts, 100 per batch (4 writers)", batches * 100, sw.Elapsed, "entities");

        var queue = account.GetQueueClient(Azurite.UniqueName("b"));
        await queue.CreateIfNotExistsAsync();
        const int messages = 2000;
        sw.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, messages), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await queue.SendMessageAsync($"message {i}", cancellationToken: ct));
        Report.Rate("queue send (8 senders)", messages, sw.Elapsed, "messages");
        var total = sw.Elapsed;
        sw.Restart();
        var receivedMessages = new System.Collections.Concurrent.ConcurrentBag<QueueMessage>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (_, ct) =>
        {
            while (receivedMessages.Count < messages)
            {
                foreach (QueueMessage m in (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), ct)).Value)
                {
                    receivedMessages.Add(m);
                }
            }
        });
        Report.Rate("queue receive, 32 at a time (4 receivers)", messages, sw.Elapsed, "messages");
        total += sw.Elapsed;
        sw.Restart();
        await Parallel.ForEachAsync(receivedMessages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (m, ct) =>
            await queue.TryDeleteMessageAsync(m.MessageId, m.PopReceipt, ct));
        Report.Rate("queue delete (8 deleters)", messages, sw.Elapsed, "messages");
        Report.Rate("queue send + receive + delete", messages, total + sw.Elapsed, "messages");
    }
}
