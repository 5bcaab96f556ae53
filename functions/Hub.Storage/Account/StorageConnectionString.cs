namespace Hub.Storage.Account;

/// <summary>
/// A parsed storage connection string: the account name, its key (when SharedKey is used) and the three endpoints.
/// Error messages name the offending part and never echo the key.
/// </summary>
public sealed record StorageConnectionString(string AccountName, byte[]? AccountKey, Uri BlobEndpoint, Uri QueueEndpoint, Uri TableEndpoint)
{
    // The well-known emulator account: https://learn.microsoft.com/azure/storage/common/storage-use-azurite#connection-strings
    public const string DevelopmentAccountName = "devstoreaccount1";
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly string[] KnownKeys =
    [
        "UseDevelopmentStorage", "DevelopmentStorageProxyUri", "DefaultEndpointsProtocol", "AccountName", "AccountKey",
        "EndpointSuffix", "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
    ];

    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        Dictionary<string, string> parts = Split(connectionString);

        if (parts.TryGetValue("UseDevelopmentStorage", out string? dev))
        {
            if (!bool.TryParse(dev, out bool useDev) || !useDev)
            {
                throw new FormatException("UseDevelopmentStorage must be 'true' when present.");
            }

            Uri proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out string? p)
                ? ParseEndpoint("DevelopmentStorageProxyUri", p)
                : new Uri("http://127.0.0.1");
            string host = $"{proxy.Scheme}://{proxy.Host}";
            return new StorageConnectionString(
                DevelopmentAccountName,
                Convert.FromBase64String(DevelopmentAccountKey),
                new Uri($"{host}:10000/{DevelopmentAccountName}"),
                new Uri($"{host}:10001/{DevelopmentAccountName}"),
                new Uri($"{host}:10002/{DevelopmentAccountName}"));
        }

        if (parts.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("SharedAccessSignature connection strings are not supported; use an AccountKey or a managed identity.");
        }

        if (!parts.TryGetValue("AccountName", out string? name) || string.IsNullOrWhiteSpace(name))
        {
            throw new FormatException("AccountName is required in the storage connection string.");
        }

        byte[]? key = null;
        if (parts.TryGetValue("AccountKey", out string? keyText))
        {
            try
            {
                key = Convert.FromBase64String(keyText);
            }
            catch (FormatException)
            {
                throw new FormatException("AccountKey is not valid base64.");
            }

            if (key.Length == 0)
            {
                throw new FormatException("AccountKey is empty.");
            }
        }

        string protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        if (protocol is not ("http" or "https"))
        {
            throw new FormatException($"DefaultEndpointsProtocol must be 'http' or 'https', not '{protocol}'.");
        }

        string suffix = parts.GetValueOrDefault("EndpointSuffix", "core.windows.net");
        Uri Endpoint(string setting, string service) => parts.TryGetValue(setting, out string? explicitUri)
            ? ParseEndpoint(setting, explicitUri)
            : new Uri($"{protocol}://{name}.{service}.{suffix}");

        return new StorageConnectionString(
            name, key, Endpoint("BlobEndpoint", "blob"), Endpoint("QueueEndpoint", "queue"), Endpoint("TableEndpoint", "table"));
    }

    private static Dictionary<string, string> Split(string connectionString)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] segments = connectionString.Split(';', StringSplitOptions.TrimEntries);
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            if (segment.Length == 0)
            {
                continue;
            }

            int eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                // Never echo the segment: it may be a fragment of the key.
                throw new FormatException($"Connection string segment {i + 1} is not of the form Name=Value.");
            }

            string key = segment[..eq].Trim();
            if (!KnownKeys.Contains(key, StringComparer.OrdinalIgnoreCase) && !key.Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"Connection string setting '{key}' is not recognised.");
            }

            if (!parts.TryAdd(key, segment[(eq + 1)..].Trim()))
            {
                throw new FormatException($"Connection string setting '{key}' appears more than once.");
            }
        }

        if (parts.Count == 0)
        {
            throw new FormatException("The storage connection string is empty.");
        }

        return parts;
    }

    private static Uri ParseEndpoint(string setting, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException($"{setting} '{value}' is not an absolute http or https URI.");
        }

        return new Uri(uri.AbsoluteUri.TrimEnd('/'));
    }

    // The key must never reach a log line through a record's generated ToString.
    public override string ToString() =>
        $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint}";
}
