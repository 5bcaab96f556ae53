using Azure;

namespace Hub.Storage.Blobs;

/// <summary>
/// How to upload: content type (default application/octet-stream), metadata (names must be C# identifiers), and the
/// conditions: <see cref="IfMatch"/> replaces only that version, <see cref="IfNoneExists"/> only creates, and
/// <see cref="LeaseId"/> is required while the blob is leased.
/// </summary>
public sealed record BlobUploadOptions(
    string? ContentType = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    ETag? IfMatch = null,
    bool IfNoneExists = false,
    string? LeaseId = null);
