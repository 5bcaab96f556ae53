using Azure.Core;
using Azure.Core.Pipeline;

namespace Hub.Storage.Account;

/// <summary>
/// One storage account: its endpoints and how requests to it are authorised (SharedKey from a connection string, or a
/// <see cref="TokenCredential"/> such as a managed identity). Pipelines are built once per service and shared.
/// </summary>
public sealed class StorageAccount
{
    private const string StorageScope = "https://storage.azure.com/.default";
    private readonly Dictionary<StorageService, HttpPipeline> _pipelines = [];

    public StorageAccount(StorageConnectionString connection, StorageClientOptions? options = null)
        : this(connection.AccountName, connection.BlobEndpoint, connection.QueueEndpoint, connection.TableEndpoint, options)
    {
        if (connection.AccountKey is null)
        {
            throw new FormatException("AccountKey is required in a connection string; use the TokenCredential constructor for managed identity.");
        }

        var signer = new SharedKeySigner(connection.AccountName, connection.AccountKey);
        Build(service => new SharedKeyPolicy(signer, service, Options.UseSharedKeyLiteForTables));
    }

    public StorageAccount(string accountName, TokenCredential credential, StorageClientOptions? options = null)
        : this(accountName,
            new Uri($"https://{accountName}.blob.core.windows.net"),
            new Uri($"https://{accountName}.queue.core.windows.net"),
            new Uri($"https://{accountName}.table.core.windows.net"),
            credential,
            options)
    {
    }

    public StorageAccount(string accountName, Uri blob, Uri queue, Uri table, TokenCredential credential, StorageClientOptions? options = null)
        : this(accountName, blob, queue, table, options)
    {
        Build(_ => new BearerTokenAuthenticationPolicy(credential, StorageScope));
    }

    private StorageAccount(string accountName, Uri blob, Uri queue, Uri table, StorageClientOptions? options)
    {
        Name = accountName;
        BlobEndpoint = blob;
        QueueEndpoint = queue;
        TableEndpoint = table;
        Options = options ?? new StorageClientOptions();
    }

    public string Name { get; }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    internal StorageClientOptions Options { get; }

    public static StorageAccount Parse(string connectionString, StorageClientOptions? options = null) =>
        new(StorageConnectionString.Parse(connectionString), options);

    internal HttpPipeline Pipeline(StorageService service) => _pipelines[service];

    internal Uri Endpoint(StorageService service) => service switch
    {
        StorageService.Blob => BlobEndpoint,
        StorageService.Queue => QueueEndpoint,
        _ => TableEndpoint,
    };

    private void Build(Func<StorageService, HttpPipelinePolicy> auth)
    {
        foreach (StorageService service in Enum.GetValues<StorageService>())
        {
            var pipelineOptions = new HttpPipelineOptions(Options) { RequestFailedDetailsParser = new StorageErrorParser() };
            pipelineOptions.PerRetryPolicies.Add(new StorageHeadersPolicy(service, Options.Clock));
            if (Options.RequestCounter is { } counter)
            {
                pipelineOptions.PerRetryPolicies.Add(new StorageRequestCountingPolicy(counter, service));
            }

            pipelineOptions.PerRetryPolicies.Add(auth(service));
            _pipelines[service] = HttpPipelineBuilder.Build(pipelineOptions);
        }
    }
}
