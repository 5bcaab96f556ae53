using Azure.Core;

namespace Hub.Standalone;

/// <summary>
/// Retries of the host's own storage calls: queue polling and settling, timer leases and status blobs. Each of its
/// loops already retries forever by itself (log, wait 5 s, try again), so a call gives up within about half a minute
/// instead of waiting out the Storage SDKs' defaults (a receive against a stopped Azurite kept retrying for 24 s here,
/// and each try may wait 100 s on storage that accepts connections and never answers): a loop learns of an outage,
/// logs it and carries on, and a timer lease is never renewed by a call that outlives it.
/// </summary>
internal static class HostStorageRetry
{
    public static T Apply<T>(T options)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        // The host's calls are small (a batch of messages, an empty lock blob, a status record).
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }
}
