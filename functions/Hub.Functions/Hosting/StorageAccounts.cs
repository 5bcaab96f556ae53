using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Hub.Storage.Account;

namespace Hub.Functions.Hosting;

/// <summary>
/// Storage accounts by connection setting name, as the Functions host resolves them: a connection string in
/// <c>&lt;name&gt;</c>, or an identity-based connection in <c>&lt;name&gt;__accountName</c> (optionally
/// <c>__credential=managedidentity</c> and <c>__clientId</c>).
/// https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
/// A <see cref="StorageRequestCounter"/> passed in (the bench registers one) counts every request of these accounts.
/// </summary>
public sealed class StorageAccounts(IConfiguration configuration, TimeProvider clock, StorageRequestCounter? counter = null)
{
    public const string Default = "AzureWebJobsStorage";

    private readonly ConcurrentDictionary<string, StorageAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public StorageAccount Get(string connection = Default) =>
        _accounts.GetOrAdd(connection, name => Create(name, Options()));

    // Hub__StorageMaxRetries (default 5): how often a storage call is retried before the request answers 503.
    private StorageClientOptions Options()
    {
        var options = new StorageClientOptions { Clock = clock, RequestCounter = counter };
        if (int.TryParse(configuration["Hub:StorageMaxRetries"], System.Globalization.CultureInfo.InvariantCulture, out int retries) && retries >= 0)
        {
            options.Retry.MaxRetries = retries;
        }

        return options;
    }

    /// <summary>An account for probes: no retries and a short network timeout, so a dead endpoint answers fast.</summary>
    public StorageAccount CreateProbe(TimeSpan timeout, string connection = Default)
    {
        var options = new StorageClientOptions { Clock = clock };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = timeout;
        return Create(connection, options);
    }

    private StorageAccount Create(string name, StorageClientOptions options)
    {
        string? connectionString = configuration[name] ?? configuration[$"ConnectionStrings:{name}"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return StorageAccount.Parse(connectionString, options);
            }
            catch (FormatException ex)
            {
                // The parser's messages name the bad part and never echo the key.
                throw new HubStartupException($"Setting '{name}' is not a valid storage connection string: {ex.Message}");
            }
        }

        IConfigurationSection identity = configuration.GetSection(name);
        string? accountName = identity["accountName"];
        if (string.IsNullOrWhiteSpace(accountName))
        {
            throw new HubStartupException(
                $"Setting '{name}' is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite) or '{name}__accountName' for a managed identity.");
        }

        TokenCredential credential = string.Equals(identity["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(identity["clientId"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
        return new StorageAccount(accountName, credential, options);
    }
}
