using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Hub.Storage.Blobs;

/// <summary>
/// The hub's result-as-value idioms on <see cref="BlobClient"/>: a missing blob (404) or an existing one where only
/// absence was wanted comes back as a value; anything else stays a <see cref="RequestFailedException"/>.
/// </summary>
public static class BlobClientExtensions
{
    // Uploads of up to 4 MiB go in one Put Blob; larger content is streamed as 4 MiB Put Block calls and committed
    // with Put Block List, so a non-seekable stream (a download, a request body) holds at most one block in memory.
    private const long TransferSize = 4 * 1024 * 1024;

    /// <summary>Uploads <paramref name="content"/>, replacing the blob, with its content type and metadata; returns the new ETag.</summary>
    public static async Task<ETag> UploadAsync(
        this BlobClient blob, BinaryData content, string contentType, IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        Response<BlobContentInfo> response = await blob.UploadAsync(content, Options(contentType, metadata), cancellationToken).ConfigureAwait(false);
        return response.Value.ETag;
    }

    /// <summary>Uploads <paramref name="content"/> from its current position to its end, replacing the blob.</summary>
    public static async Task<ETag> UploadAsync(this BlobClient blob, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        Response<BlobContentInfo> response = await blob.UploadAsync(content, Options(contentType, null), cancellationToken).ConfigureAwait(false);
        return response.Value.ETag;
    }

    /// <summary>Creates the blob only if it does not exist (If-None-Match: *); null when it already exists.</summary>
    public static async Task<ETag?> UploadIfAbsentAsync(this BlobClient blob, BinaryData content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        BlobUploadOptions options = Options(contentType ?? "application/octet-stream", null);
        options.Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            Response<BlobContentInfo> response = await blob.UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
            return response.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // 409 BlobAlreadyExists (the service and Azurite alike); 412 when the existing blob is leased (LeaseIdMissing)
            // or a service answers ConditionNotMet. Either way the blob is there.
            return null;
        }
    }

    /// <summary>The blob's content in memory; null when the blob (or its container) does not exist.</summary>
    public static async Task<BinaryData?> DownloadContentOrDefaultAsync(this BlobClient blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            Response<BlobDownloadResult> response = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return response.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The blob's content as a stream straight from the response; null when the blob does not exist.</summary>
    public static async Task<BlobDownloadStreamingResult?> DownloadStreamingOrDefaultAsync(this BlobClient blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            Response<BlobDownloadStreamingResult> response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The blob's properties and metadata; null when the blob does not exist.</summary>
    public static async Task<BlobProperties?> GetPropertiesOrDefaultAsync(this BlobClient blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            Response<BlobProperties> response = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Replaces the blob's metadata; false when the blob does not exist. A later server-side copy carries it.</summary>
    public static async Task<bool> SetMetadataIfExistsAsync(this BlobClient blob, IDictionary<string, string> metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            await blob.SetMetadataAsync(metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> (a blob of the same account, which the account's credential may read) onto this
    /// blob server-side, then reads its properties until the copy leaves "pending" (every <paramref name="pollInterval"/>,
    /// default 0.5 s, on <paramref name="clock"/>). Returns the copied blob's properties; a failed or aborted copy throws
    /// <see cref="RequestFailedException"/>. A copy within one account usually completes at once: two requests.
    /// </summary>
    public static async Task<BlobProperties> CopyFromAsync(
        this BlobClient blob, Uri source, TimeSpan? pollInterval = null, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        CopyFromUriOperation copy = await blob.StartCopyFromUriAsync(source, cancellationToken: cancellationToken).ConfigureAwait(false);
        while (true)
        {
            BlobProperties properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            switch (properties.CopyStatus)
            {
                case CopyStatus.Success:
                    return properties;
                case CopyStatus.Pending:
                    await Task.Delay(pollInterval ?? TimeSpan.FromSeconds(0.5), clock ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new RequestFailedException(
                        0,
                        $"Copy {copy.Id} from {source} to {blob.Uri} ended '{properties.CopyStatus}': {properties.CopyStatusDescription}",
                        properties.CopyStatus == CopyStatus.Aborted ? "CopyAborted" : "CopyFailed",
                        null);
            }
        }
    }

    private static BlobUploadOptions Options(string contentType, IDictionary<string, string>? metadata) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        Metadata = metadata,
        TransferOptions = new StorageTransferOptions { InitialTransferSize = TransferSize, MaximumTransferSize = TransferSize },
    };
}
