namespace Hub.Storage.Blobs;

/// <summary>An open download: read <see cref="Content"/> as it arrives, then dispose to release the connection.</summary>
public sealed class BlobDownload : IAsyncDisposable
{
    internal BlobDownload(Stream content, BlobProperties properties)
    {
        Content = content;
        Properties = properties;
    }

    public Stream Content { get; }

    public BlobProperties Properties { get; }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
