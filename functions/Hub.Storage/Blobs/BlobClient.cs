using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Storage.Account;

namespace Hub.Storage.Blobs;

/// <summary>
/// One block blob. Uploads up to <see cref="SingleShotLimit"/> go in one Put Blob; larger content is streamed as
/// Put Block calls of <see cref="BlockSize"/> and committed with Put Block List, so at most one block is in memory.
/// </summary>
public sealed class BlobClient
{
    private const int DefaultChunk = 4 * 1024 * 1024;

    // https://learn.microsoft.com/rest/api/storageservices/put-block-list: a blob has at most 50,000 committed blocks.
    private const int MaxBlocks = 50_000;

    private readonly HttpPipeline _pipeline;
    private readonly TimeProvider _clock;

    public BlobClient(StorageAccount account, string containerName, string blobName)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        _pipeline = account.Pipeline(StorageService.Blob);
        _clock = account.Options.Clock;
        ContainerName = containerName;
        Name = blobName;
        Uri = BlobRest.Child(account.BlobEndpoint, Uri.EscapeDataString(containerName) + "/" + BlobRest.EscapePath(blobName));
    }

    public string ContainerName { get; }

    public string Name { get; }

    public Uri Uri { get; }

    /// <summary>Largest upload sent as a single Put Blob; tests lower it to exercise blocks.</summary>
    internal int SingleShotLimit { get; set; } = DefaultChunk;

    /// <summary>Size of each Put Block; tests lower it to get several blocks from small content.</summary>
    internal int BlockSize { get; set; } = DefaultChunk;

    /// <summary>How often <see cref="CopyFromAsync"/> polls a pending copy.</summary>
    internal TimeSpan CopyPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Uploads <paramref name="content"/> from its current position to its end, replacing the blob. A failed condition
    /// (412 ConditionNotMet for IfMatch, 409 BlobAlreadyExists for IfNoneExists) or a missing lease id while the blob
    /// is leased throws <see cref="RequestFailedException"/>. Returns the new ETag.
    /// </summary>
    public async Task<ETag> UploadAsync(Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default) =>
        await UploadCoreAsync(content, options ?? new BlobUploadOptions(), conflictIsResult: false, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("Unreachable: a failed condition throws when conflictIsResult is false.");

    public async Task<ETag> UploadAsync(BinaryData content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using Stream stream = content.ToStream();
        return await UploadAsync(stream, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the blob only if it does not exist (If-None-Match: *); null when it already exists.</summary>
    public async Task<ETag?> UploadIfAbsentAsync(BinaryData content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using Stream stream = content.ToStream();
        return await UploadCoreAsync(stream, new BlobUploadOptions(contentType, IfNoneExists: true), conflictIsResult: true, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Opens the blob's content as a stream straight from the response; null when the blob does not exist.</summary>
    public async Task<BlobDownload?> DownloadAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Get, Uri);
        message.BufferResponse = false;

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        switch (message.Response.Status)
        {
            case 200:
                BlobProperties properties = BlobRest.ReadProperties(message.Response);
                Stream stream = message.ExtractResponseContent() ?? Stream.Null;
                return new BlobDownload(stream, properties);
            case 404:
                return null;
            default:
                throw new RequestFailedException(message.Response);
        }
    }

    /// <summary>The blob's content in memory; null when the blob does not exist.</summary>
    public async Task<BinaryData?> DownloadContentAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Get, Uri);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            200 => message.Response.Content,
            404 => null,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public async Task<BlobProperties?> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Head, Uri);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            200 => BlobRest.ReadProperties(message.Response),
            404 => null,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Replaces the blob's metadata (Set Blob Metadata); false when the blob does not exist. A later server-side copy
    /// carries it. https://learn.microsoft.com/rest/api/storageservices/set-blob-metadata
    /// </summary>
    public async Task<bool> SetMetadataAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Put, new Uri(Uri + "?comp=metadata"));
        BlobRest.SetMetadata(message.Request, metadata);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            200 => true,
            404 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Deletes the blob and its snapshots. False when it does not exist; a stale <paramref name="ifMatch"/> or an active
    /// lease throws <see cref="RequestFailedException"/> (412).
    /// </summary>
    public async Task<bool> DeleteIfExistsAsync(ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Delete, Uri);
        // Without this a blob that has snapshots cannot be deleted (409 SnapshotsPresent).
        message.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
        if (ifMatch is { } etag)
        {
            message.Request.Headers.SetValue("If-Match", etag.ToString("H"));
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            202 => true,
            404 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Copies <paramref name="source"/> (a blob in the same account, whose SharedKey or identity authorises the read)
    /// onto this blob server-side with Copy Blob, then polls until x-ms-copy-status leaves "pending". A failed or
    /// aborted copy throws <see cref="RequestFailedException"/>. https://learn.microsoft.com/rest/api/storageservices/copy-blob
    /// </summary>
    public async Task<BlobProperties> CopyFromAsync(Uri source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        string copyId;
        using (HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Put, Uri))
        {
            message.Request.Headers.SetValue("x-ms-copy-source", source.AbsoluteUri);

            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

            if (message.Response.Status != 202)
            {
                throw new RequestFailedException(message.Response);
            }

            copyId = message.Response.Headers.TryGetValue("x-ms-copy-id", out string? id) ? id : "";
        }

        while (true)
        {
            using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Head, Uri);
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            if (message.Response.Status != 200)
            {
                throw new RequestFailedException(message.Response);
            }

            BlobProperties properties = BlobRest.ReadProperties(message.Response);
            switch (properties.CopyStatus)
            {
                case "success":
                    return properties;
                case "pending":
                    await Task.Delay(CopyPollInterval, _clock, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    string description = message.Response.Headers.TryGetValue("x-ms-copy-status-description", out string? d) ? d : "";
                    throw new RequestFailedException(
                        message.Response.Status,
                        $"Copy {copyId} from {source} to {Uri} ended '{properties.CopyStatus}': {description}",
                        properties.CopyStatus == "aborted" ? "CopyAborted" : "CopyFailed",
                        null);
            }
        }
    }

    /// <summary>A lease on this blob; <paramref name="leaseId"/> resumes a known lease, null proposes a new one.</summary>
    public BlobLeaseClient GetLeaseClient(string? leaseId = null) => new(_pipeline, Uri, leaseId ?? Guid.NewGuid().ToString());

    private async Task<ETag?> UploadCoreAsync(Stream content, BlobUploadOptions options, bool conflictIsResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (options.IfNoneExists && options.IfMatch is not null)
        {
            throw new ArgumentException("IfMatch and IfNoneExists cannot both be set.", nameof(options));
        }

        // Read one byte past the limit: that tells whether the content fits a single Put Blob without needing a
        // seekable stream.
        byte[] head = ArrayPool<byte>.Shared.Rent(SingleShotLimit + 1);
        try
        {
            int read = await ReadFullAsync(content, head.AsMemory(0, SingleShotLimit + 1), cancellationToken).ConfigureAwait(false);
            return read <= SingleShotLimit
                ? await PutBlobAsync(head.AsMemory(0, read), options, conflictIsResult, cancellationToken).ConfigureAwait(false)
                : await PutBlocksAsync(head.AsMemory(0, read), content, options, conflictIsResult, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    // https://learn.microsoft.com/rest/api/storageservices/put-blob
    private async Task<ETag?> PutBlobAsync(ReadOnlyMemory<byte> body, BlobUploadOptions options, bool conflictIsResult, CancellationToken cancellationToken)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Put, Uri);
        Request request = message.Request;
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        request.Headers.SetValue("Content-Type", options.ContentType ?? "application/octet-stream");
        BlobRest.SetMetadata(request, options.Metadata);
        SetConditions(request, options);
        request.Content = RequestContent.Create(body);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return Committed(message.Response, options, conflictIsResult);
    }

    private async Task<ETag?> PutBlocksAsync(ReadOnlyMemory<byte> head, Stream rest, BlobUploadOptions options, bool conflictIsResult, CancellationToken cancellationToken)
    {
        // Ids must be base64 and of equal length within a blob; the upload id keeps blocks of a concurrent upload apart.
        string uploadId = Guid.NewGuid().ToString("N");
        var blockIds = new List<string>();
        byte[] block = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            while (true)
            {
                int take = Math.Min(head.Length, BlockSize);
                head[..take].CopyTo(block);
                head = head[take..];
                int filled = take + await ReadFullAsync(rest, block.AsMemory(take, BlockSize - take), cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                {
                    break;
                }

                if (blockIds.Count == MaxBlocks)
                {
                    throw new InvalidOperationException($"The content needs more than {MaxBlocks} blocks of {BlockSize} bytes.");
                }

                string blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{blockIds.Count:D6}"));
                if (!await PutBlockAsync(blockId, block.AsMemory(0, filled), options, conflictIsResult, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                blockIds.Add(blockId);
                if (filled < BlockSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }

        return await PutBlockListAsync(blockIds, options, conflictIsResult, cancellationToken).ConfigureAwait(false);
    }

    // https://learn.microsoft.com/rest/api/storageservices/put-block: no conditions, but the lease id is required while
    // the blob is leased.
    private async Task<bool> PutBlockAsync(string blockId, ReadOnlyMemory<byte> body, BlobUploadOptions options, bool conflictIsResult, CancellationToken cancellationToken)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Put, Uri);
        Request request = message.Request;
        request.Uri.AppendQuery("comp", "block");
        request.Uri.AppendQuery("blockid", blockId);
        request.Headers.SetValue("Content-Type", "application/octet-stream");
        if (options.LeaseId is not null)
        {
            request.Headers.SetValue("x-ms-lease-id", options.LeaseId);
        }

        request.Content = RequestContent.Create(body);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            201 => true,
            // A lease on the blob means it exists: for an only-if-absent upload that is the ordinary "already there".
            412 when conflictIsResult && options.IfNoneExists => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    // https://learn.microsoft.com/rest/api/storageservices/put-block-list
    private async Task<ETag?> PutBlockListAsync(List<string> blockIds, BlobUploadOptions options, bool conflictIsResult, CancellationToken cancellationToken)
    {
        var body = new XElement("BlockList", blockIds.Select(id => new XElement("Latest", id)));
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Put, Uri);
        Request request = message.Request;
        request.Uri.AppendQuery("comp", "blocklist");
        request.Headers.SetValue("Content-Type", "application/xml");
        // Here Content-Type describes the XML body; the blob's own content type travels in x-ms-blob-content-type.
        request.Headers.SetValue("x-ms-blob-content-type", options.ContentType ?? "application/octet-stream");
        BlobRest.SetMetadata(request, options.Metadata);
        SetConditions(request, options);
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting)));

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return Committed(message.Response, options, conflictIsResult);
    }

    private static ETag? Committed(Response response, BlobUploadOptions options, bool conflictIsResult) => response.Status switch
    {
        201 => BlobRest.ETagOf(response),
        // If-None-Match: * on an existing blob: 409 BlobAlreadyExists (the service and Azurite 3.35 alike); 412 when the
        // existing blob is leased (LeaseIdMissing) or a service answers ConditionNotMet. Either way the blob is there.
        409 or 412 when conflictIsResult && options.IfNoneExists => null,
        _ => throw new RequestFailedException(response),
    };

    private static void SetConditions(Request request, BlobUploadOptions options)
    {
        if (options.IfMatch is { } etag)
        {
            request.Headers.SetValue("If-Match", etag.ToString("H"));
        }

        if (options.IfNoneExists)
        {
            request.Headers.SetValue("If-None-Match", "*");
        }

        if (options.LeaseId is not null)
        {
            request.Headers.SetValue("x-ms-lease-id", options.LeaseId);
        }
    }

    private static ValueTask<int> ReadFullAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken) =>
        stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
}
