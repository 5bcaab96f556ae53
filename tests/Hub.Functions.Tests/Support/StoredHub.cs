using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Hub.Storage.Account;
using Hub.Storage.Durable;
using Hub.Testing;

namespace Hub.Functions.Tests.Support;

/// <summary>
/// What a hub stored, read straight from the storage account by its Hub__DurableName: for hubs that run as child
/// processes (or have been killed), whose services the test cannot ask. The names are those of DurableNames.
/// </summary>
internal sealed class StoredHub
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly AggregateStore _store;

    private StoredHub(StorageAccount account, string durableName)
    {
        Table = account.GetTableClient(durableName);
        _store = new AggregateStore(Table, account.GetBlobContainerClient(durableName + "-spill"));
        Outbox = account.GetBlobContainerClient(durableName + "-outbox");
        Repository = account.GetBlobContainerClient(durableName + "-repo");
        Work = account.GetQueueClient(durableName + "-work");
    }

    public TableClient Table { get; }

    public BlobContainerClient Outbox { get; }

    public BlobContainerClient Repository { get; }

    public QueueClient Work { get; }

    public static async Task<StoredHub> OpenAsync(string durableName) => new((await Azurite.SharedAsync()).Account(), durableName);

    /// <summary>The state of every aggregate of <paramref name="kind"/> by its id, in one query.</summary>
    public async Task<Dictionary<long, T>> StatesAsync<T>(string kind)
    {
        var states = new Dictionary<long, T>();
        try
        {
            string filter = $"PartitionKey ge '{kind}:' and PartitionKey lt '{kind};' and RowKey eq '{AggregateStore.StateRow}'";
            await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter))
            {
                long id = long.Parse(row.PartitionKey[(kind.Length + 1)..], CultureInfo.InvariantCulture);
                states[id] = JsonSerializer.Deserialize<T>(await _store.StateJsonAsync(row), Json)!;
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == "TableNotFound")
        {
            // Nothing stored yet.
        }

        return states;
    }

    /// <summary>How many events of <paramref name="type"/> each aggregate of <paramref name="kind"/> has, by id.</summary>
    public async Task<Dictionary<long, int>> EventCountsAsync(string kind, string type)
    {
        var counts = new Dictionary<long, int>();
        string filter = $"PartitionKey ge '{kind}:' and PartitionKey lt '{kind};' and RowKey ge '{AggregateStore.EventPrefix}' and RowKey lt 'event.' and Type eq '{type}'";
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"]))
        {
            long id = long.Parse(row.PartitionKey[(kind.Length + 1)..], CultureInfo.InvariantCulture);
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        return counts;
    }

    /// <summary>The outbox rows (effects) that were given up: their partition, id and error.</summary>
    public async Task<IReadOnlyList<string>> GivenUpEffectsAsync()
    {
        var failed = new List<string>();
        string filter = $"RowKey ge '{AggregateStore.OutboxPrefix}' and RowKey lt 'outbox.'";
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter))
        {
            if (row.ContainsKey("FailedAt"))
            {
                failed.Add($"{row.PartitionKey}/{row.RowKey}: {row.GetString("Error")}");
            }
        }

        return failed;
    }

    /// <summary>Messages in the work queue, visible or not (one being handled counts until its effects ran).</summary>
    public async Task<int> WorkCountAsync()
    {
        try
        {
            return (await Work.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    public async Task<int> MailCountAsync()
    {
        int count = 0;
        try
        {
            await foreach (BlobItem _ in Outbox.GetBlobsAsync())
            {
                count++;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No mail yet.
        }

        return count;
    }

    /// <summary>Every mail in the blob outbox: its idempotency key (the blob's name) and the notification.</summary>
    public async Task<IReadOnlyList<StoredMail>> MailsAsync()
    {
        var mails = new List<StoredMail>();
        await foreach (BlobItem blob in Outbox.GetBlobsAsync())
        {
            using JsonDocument doc = JsonDocument.Parse((await Outbox.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
            JsonElement mail = doc.RootElement.GetProperty("mail");
            if (mail.ValueKind == JsonValueKind.Object)
            {
                mails.Add(new StoredMail(
                    doc.RootElement.GetProperty("id").GetString()!,
                    mail.GetProperty("number").GetInt64(),
                    mail.GetProperty("kind").GetString()!,
                    [.. mail.GetProperty("to").EnumerateArray().Select(t => t.GetString()!)],
                    mail.GetProperty("subject").GetString()!));
            }
        }

        return mails;
    }

    /// <summary>The names of the blobs under <paramref name="prefix"/> in the release repository.</summary>
    public async Task<IReadOnlyList<string>> RepositoryBlobsAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (BlobItem item in Repository.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            names.Add(item.Name);
        }

        return names;
    }
}

/// <summary>One mail of the blob outbox: <see cref="Id"/> is the outbox row's idempotency key.</summary>
internal sealed record StoredMail(string Id, long Number, string Kind, IReadOnlyList<string> To, string Subject);
