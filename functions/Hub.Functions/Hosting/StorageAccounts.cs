using System.Collections.Concurrent;
using System.Globalization;
using Hub.Storage.Account;

namespace Hub.Functions.Hosting;

/// <summary>
/// Storage accounts by connection setting name, resolved as the Functions host resolves them
/// (<see cref="StorageConnections"/>): a connection string, or an identity-based connection.
/// A <see cref="StorageRequestCounter"/> passed in (the bench registers one) counts every request of these accounts.
/// </summary>
public sealed class StorageAccounts(IConfiguration configuration, StorageRequestCounter? counter = null)
{
    public const string Default = "AzureWebJobsStorage";

    private readonly ConcurrentDictionary<string, StorageAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public StorageAccount Get(string connection = Default) =>
        _accounts.GetOrAdd(connection, name => Create(name, Options()));

    // Hub__StorageMaxRetries (default 5): how often a storage call is retried before the request answers 503.
    private StorageClientOptions Options()
    {
        var options = new StorageClientOptions { RequestCounter = counter };
        if (int.TryParse(configuration["Hub:StorageMaxRetries"], CultureInfo.InvariantCulture, out int retries) && retries >= 0)
        {
            options.MaxRetries = retries;
        }

        return options;
    }

    /// <summary>An account for probes: no retries and a short network timeout, so a dead endpoint answers fast.</summary>
    public StorageAccount CreateProbe(TimeSpan timeout, string connection = Default) =>
        Create(connection, new StorageClientOptions { MaxRetries = 0, NetworkTimeout = timeout });

    private StorageAccount Create(string name, StorageClientOptions options)
    {
        try
        {
            return StorageConnections.Resolve(name, key => configuration[key], options);
        }
        catch (FormatException ex)
        {
            throw new HubStartupException(ex.Message);
        }
    }
}
