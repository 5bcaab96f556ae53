using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Hub.Storage.Account;

/// <summary>
/// The Table, Blob and Queue service clients of one storage account, built once and shared (the SDK clients are
/// thread-safe and cheap to derive table, container and queue clients from). Authorised by the account key of a
/// connection string or by a <see cref="TokenCredential"/> (managed identity in Azure).
/// </summary>
public sealed class StorageAccount
{
    private StorageAccount(string name, TableServiceClient tables, BlobServiceClient blobs, QueueServiceClient queues)
    {
        Name = name;
        Tables = tables;
        Blobs = blobs;
        Queues = queues;
    }

    public string Name { get; }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public Uri BlobEndpoint => Blobs.Uri;

    public Uri QueueEndpoint => Queues.Uri;

    public Uri TableEndpoint => Tables.Uri;

    /// <summary>Parses and validates <paramref name="connectionString"/> (see <see cref="StorageConnectionString"/>).</summary>
    public static StorageAccount Parse(string connectionString, StorageClientOptions? options = null) =>
        FromConnectionString(StorageConnectionString.Parse(connectionString), options);

    public static StorageAccount FromConnectionString(StorageConnectionString connection, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.AccountKey is null)
        {
            throw new FormatException("AccountKey is required in a connection string; use an identity-based connection for managed identity.");
        }

        options ??= new StorageClientOptions();
        string key = Convert.ToBase64String(connection.AccountKey);
        var sharedKey = new StorageSharedKeyCredential(connection.AccountName, key);
        return new StorageAccount(
            connection.AccountName,
            new TableServiceClient(connection.TableEndpoint, new TableSharedKeyCredential(connection.AccountName, key), options.ForTables()),
            new BlobServiceClient(connection.BlobEndpoint, sharedKey, options.ForBlobs()),
            new QueueServiceClient(connection.QueueEndpoint, sharedKey, options.ForQueues()));
    }

    /// <summary>An account reached with <paramref name="credential"/> at its public endpoints.</summary>
    public static StorageAccount FromIdentity(string accountName, TokenCredential credential, StorageClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        return FromIdentity(
            accountName,
            new Uri($"https://{accountName}.blob.core.windows.net"),
            new Uri($"https://{accountName}.queue.core.windows.net"),
            new Uri($"https://{accountName}.table.core.windows.net"),
            credential,
            options);
    }

    public static StorageAccount FromIdentity(string accountName, Uri blob, Uri queue, Uri table, TokenCredential credential, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new StorageClientOptions();
        return new StorageAccount(
            accountName,
            new TableServiceClient(table, credential, options.ForTables()),
            new BlobServiceClient(blob, credential, options.ForBlobs()),
            new QueueServiceClient(queue, credential, options.ForQueues()));
    }

    public TableClient GetTableClient(string tableName) => Tables.GetTableClient(tableName);

    public BlobContainerClient GetBlobContainerClient(string containerName) => Blobs.GetBlobContainerClient(containerName);

    public QueueClient GetQueueClient(string queueName) => Queues.GetQueueClient(queueName);
}
