using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Blobs;

namespace Hub.Functions.Releases;

/// <summary>
/// The software repository: container <c>&lt;DurableName&gt;-repo</c> holding the areas <c>sw/unverified/...</c>,
/// <c>sw/stagerollout/...</c>, <c>sw/production/...</c> and the frozen release.xml files under <c>sw/metadata/</c>.
/// <see cref="DurableStorage"/> creates it, and every path here passes that first.
/// </summary>
public sealed class ReleaseRepository(StorageAccounts accounts, DurableNames names)
{
    /// <summary>Blob metadata key holding a package's SHA-256, set when it is stored and carried by every copy.</summary>
    public const string Sha256Metadata = "sha256";

    public BlobContainerClient Container { get; } = accounts.Get().GetBlobContainerClient(names.RepositoryContainer);

    public string UrlOf(string area) => $"{Container.Uri.AbsoluteUri.TrimEnd('/')}/{area}";

    public BlobClient Blob(string name) => Container.GetBlobClient(name);
}
