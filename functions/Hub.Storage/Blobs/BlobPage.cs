namespace Hub.Storage.Blobs;

/// <summary>One page of List Blobs; <see cref="NextMarker"/> is null on the last page.</summary>
public sealed record BlobPage(IReadOnlyList<BlobItem> Items, string? NextMarker);
