using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Blobs;

namespace Hub.Functions.Releases;

/// <summary>
/// The software repository: container <c>&lt;DurableName&gt;-repo</c> holding the areas <c>sw/unverified/...</c>,
/// <c>sw/stagerollout/...</c>, <c>sw/production/...</c> and the frozen release.xml files under <c>sw/metadata/</c>.
/// Created once per process on first use.
/// </summary>
public sealed class ReleaseRepository(StorageAccounts accounts, DurableNames names) : IDisposable
{
    /// <summary>Blob metadata key holding a package's SHA-256, set when it is stored and carried by every copy.</summary>
    public const string Sha256Metadata = "sha256";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public BlobContainerClient Container { get; } = new(accounts.Get(), names.Table + "-repo");

    public string UrlOf(string area) => $"{Container.Uri.AbsoluteUri.TrimEnd('/')}/{area}";

    public BlobClient Blob(string name) => Container.GetBlobClient(name);

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await Container.CreateIfNotExistsAsync(cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
