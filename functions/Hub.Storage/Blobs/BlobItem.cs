using Azure;

namespace Hub.Storage.Blobs;

/// <summary>A blob as List Blobs describes it.</summary>
public sealed record BlobItem(string Name, long ContentLength, string? ContentType, ETag ETag, DateTimeOffset LastModified);
