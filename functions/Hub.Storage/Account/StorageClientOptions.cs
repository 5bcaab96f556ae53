using Azure.Core;

namespace Hub.Storage.Account;

/// <summary>
/// Pipeline options for every storage client. Defaults: exponential retry, 5 tries, 0.8 s base delay, 30 s cap,
/// 100 s network timeout; these retry 408, 429, 500, 502, 503, 504 and transport failures (Azure.Core's classifier).
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    public StorageClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        Diagnostics.IsLoggingContentEnabled = false;
    }

    /// <summary>Sign Table requests with SharedKeyLite instead of SharedKey.</summary>
    public bool UseSharedKeyLiteForTables { get; set; }

    /// <summary>Counts every request sent (the bench's storage requests per event); null, the default, counts nothing.</summary>
    public StorageRequestCounter? RequestCounter { get; set; }

    /// <summary>The clock that dates requests; tests may move it.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}
