using Azure.Core;
using Azure.Identity;

namespace Hub.Storage.Account;

/// <summary>
/// Resolves a storage connection setting the way the Functions host reads <c>AzureWebJobsStorage</c>: a connection
/// string in <c>&lt;name&gt;</c> (or <c>ConnectionStrings:&lt;name&gt;</c>), else an identity-based connection in
/// <c>&lt;name&gt;__accountName</c> or the explicit <c>__blobServiceUri</c>, <c>__queueServiceUri</c> and
/// <c>__tableServiceUri</c>, authenticated by <c>__credential=managedidentity</c> (with <c>__clientId</c> for a
/// user-assigned identity), by <c>__tenantId</c>/<c>__clientId</c>/<c>__clientSecret</c>, or else by
/// <see cref="DefaultAzureCredential"/>.
/// https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
/// Errors (<see cref="FormatException"/>) name the setting at fault and never echo a key or secret.
/// </summary>
public static class StorageConnections
{
    /// <param name="name">The connection setting, e.g. AzureWebJobsStorage.</param>
    /// <param name="setting">Reads a setting by its configuration key (sections separated by ':', as IConfiguration does).</param>
    public static StorageAccount Resolve(string name, Func<string, string?> setting, StorageClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(setting);
        string? connectionString = setting(name) ?? setting($"ConnectionStrings:{name}");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return StorageAccount.Parse(connectionString, options);
            }
            catch (FormatException ex)
            {
                // The parser's messages name the bad part and never echo the key.
                throw new FormatException($"Setting '{name}' is not a valid storage connection string: {ex.Message}", ex);
            }
        }

        string? Part(string key) => setting($"{name}:{key}") is { Length: > 0 } value ? value.Trim() : null;
        string? accountName = Part("accountName");
        Uri? blob = ServiceUri(name, "blobServiceUri", Part("blobServiceUri"));
        Uri? queue = ServiceUri(name, "queueServiceUri", Part("queueServiceUri"));
        Uri? table = ServiceUri(name, "tableServiceUri", Part("tableServiceUri"));
        if (accountName is null && blob is null && queue is null && table is null)
        {
            throw new FormatException(
                $"Setting '{name}' is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite) or '{name}__accountName' for a managed identity.");
        }

        if (accountName is null && (blob is null || queue is null || table is null))
        {
            string missing = string.Join(", ", new[] { ("blobServiceUri", blob), ("queueServiceUri", queue), ("tableServiceUri", table) }
                .Where(s => s.Item2 is null).Select(s => $"'{name}__{s.Item1}'"));
            throw new FormatException($"Setting '{name}' has service URIs but not {missing}: the hub uses all three services (or give '{name}__accountName').");
        }

        string account = accountName ?? blob!.Host.Split('.')[0];
        return StorageAccount.FromIdentity(
            account,
            blob ?? new Uri($"https://{account}.blob.core.windows.net"),
            queue ?? new Uri($"https://{account}.queue.core.windows.net"),
            table ?? new Uri($"https://{account}.table.core.windows.net"),
            Credential(name, Part),
            options);
    }

    private static TokenCredential Credential(string name, Func<string, string?> part)
    {
        string? credential = part("credential");
        string? clientId = part("clientId");
        if (credential is not null)
        {
            if (!credential.Equals("managedidentity", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"Setting '{name}__credential' must be 'managedidentity' when present, not '{credential}'.");
            }

            return new ManagedIdentityCredential(clientId is null
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        if (part("tenantId") is { } tenantId && clientId is not null && part("clientSecret") is { } secret)
        {
            return new ClientSecretCredential(tenantId, clientId, secret);
        }

        // Locally: az login, Visual Studio, environment credentials.
        return new DefaultAzureCredential();
    }

    private static Uri? ServiceUri(string name, string key, string? value)
    {
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new FormatException($"Setting '{name}__{key}' '{value}' is not an absolute http or https URI.");
    }
}
