using Azure;

namespace Hub.Storage.Blobs;

/// <summary>
/// The system properties and metadata of a blob (Get Blob Properties). <see cref="LeaseState"/> is the service's
/// x-ms-lease-state (available, leased, expired, breaking, broken); <see cref="CopyStatus"/> is x-ms-copy-status
/// (pending, success, aborted, failed) or null when the blob was never the target of a copy.
/// </summary>
public sealed record BlobProperties(
    ETag ETag,
    DateTimeOffset LastModified,
    long ContentLength,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string? LeaseState,
    string? CopyStatus);
