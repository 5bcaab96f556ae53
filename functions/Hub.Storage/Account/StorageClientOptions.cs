using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hub.Storage.Queues;

namespace Hub.Storage.Account;

/// <summary>
/// What the hub configures on every storage client, applied to the SDKs' own <see cref="ClientOptions.Retry"/>.
/// Defaults: exponential retry, 5 retries, 0.8 s base delay, 30 s cap, 100 s network timeout; Azure.Core retries
/// 408, 429, 500, 502, 503, 504 and transport failures.
/// </summary>
public sealed class StorageClientOptions
{
    public RetryMode RetryMode { get; set; } = RetryMode.Exponential;

    public int MaxRetries { get; set; } = 5;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Counts every request sent (the bench's storage requests per event); null, the default, counts nothing.</summary>
    public StorageRequestCounter? RequestCounter { get; set; }

    internal TableClientOptions ForTables() => Apply(new TableClientOptions(), StorageService.Table);

    internal BlobClientOptions ForBlobs() => Apply(new BlobClientOptions(), StorageService.Blob);

    // Base64 is what the Functions host's queue trigger reads and writes; the SDK's default is plain UTF-8.
    internal QueueClientOptions ForQueues()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.MessageDecodingFailed += UndecodableMessages.MoveToPoisonAsync;
        return Apply(options, StorageService.Queue);
    }

    private T Apply<T>(T options, StorageService service)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        options.Diagnostics.IsLoggingContentEnabled = false;
        if (RequestCounter is { } counter)
        {
            options.AddPolicy(new StorageRequestCountingPolicy(counter, service), HttpPipelinePosition.PerRetry);
        }

        return options;
    }
}
