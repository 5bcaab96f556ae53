using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Storage.Blobs;

namespace Hub.Functions.Notifications;

/// <summary>What <c>GET /api/outbox</c> and the dashboard's <c>/outbox</c> show: the newest mails of the outbox container (queued and refused).</summary>
internal static class OutboxListing
{
    /// <summary>Where refused mails were kept before their names sorted newest first (sent ones were at the container's root).</summary>
    private const string LegacyRefusedPrefix = "failed/";

    // Containers known to hold every mail under mail/ or refused/; their metadata is not read again.
    private static readonly ConcurrentDictionary<Uri, bool> Sorted = new();

    public static async Task<IReadOnlyList<OutboxEntry>> NewestAsync(BlobContainerClient container, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(container);
        await MoveOldNamesAsync(container, ct);
        // mail/ and refused/ names sort newest first, so the first page of each holds the newest `max`: the listing
        // costs two calls however many mails the container holds.
        Task<List<(string Name, DateTimeOffset At)>> sent = FirstPageAsync(container, BlobMailOutbox.SentPrefix, max, ct);
        Task<List<(string Name, DateTimeOffset At)>> refused = FirstPageAsync(container, BlobMailOutbox.RefusedPrefix, max, ct);
        await Task.WhenAll(sent, refused);

        IEnumerable<string> newest = (await sent).Concat(await refused)
            .OrderByDescending(b => b.At).ThenBy(b => b.Name, StringComparer.Ordinal).Take(max).Select(b => b.Name);
        OutboxEntry?[] items = await Task.WhenAll(newest.Select(name => ReadAsync(container, name, ct)));
        return [.. items.OfType<OutboxEntry>().OrderByDescending(i => i.At)];
    }

    private static async Task<List<(string Name, DateTimeOffset At)>> FirstPageAsync(BlobContainerClient container, string prefix, int max, CancellationToken ct)
    {
        await foreach (Azure.Page<BlobItem> page in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).AsPages(pageSizeHint: max))
        {
            return [.. page.Values.Select(b => (b.Name, BlobMailOutbox.QueuedAtOf(b.Name, prefix) ?? b.Properties.LastModified ?? default))];
        }

        return [];
    }

    /// <summary>
    /// Once per container without <see cref="BlobMailOutbox.NamesMetadata"/> (made before mail/ and refused/): moves each
    /// mail kept at the root or under failed/ to its mail/ or refused/ name (by the time it holds; copied, then the old
    /// blob deleted, so a mail is never missing), then sets the metadata. A blob there that is not a mail stays as it is.
    /// </summary>
    private static async Task MoveOldNamesAsync(BlobContainerClient container, CancellationToken ct)
    {
        if (Sorted.ContainsKey(container.Uri))
        {
            return;
        }

        BlobContainerProperties properties = await container.GetPropertiesAsync(cancellationToken: ct);
        if (properties.Metadata.TryGetValue("names", out string? names) && names == BlobMailOutbox.NamesMetadata["names"])
        {
            Sorted[container.Uri] = true;
            return;
        }

        var old = new List<string>();
        await foreach (BlobHierarchyItem item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, ct))
        {
            if (item.IsBlob)
            {
                old.Add(item.Blob.Name);
            }
        }

        await foreach (BlobItem blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, LegacyRefusedPrefix, ct))
        {
            old.Add(blob.Name);
        }

        foreach (string name in old)
        {
            await MoveAsync(container, name, ct);
        }

        var metadata = new Dictionary<string, string>(properties.Metadata);
        foreach ((string key, string value) in BlobMailOutbox.NamesMetadata)
        {
            metadata[key] = value;
        }

        await container.SetMetadataAsync(metadata, cancellationToken: ct);
        Sorted[container.Uri] = true;
    }

    private static async Task MoveAsync(BlobContainerClient container, string name, CancellationToken ct)
    {
        BlobClient blob = container.GetBlobClient(name);
        if (await blob.DownloadContentOrDefaultAsync(ct) is not { } content)
        {
            return; // moved meanwhile by another listing
        }

        bool refused = name.StartsWith(LegacyRefusedPrefix, StringComparison.Ordinal);
        string target;
        try
        {
            using JsonDocument document = JsonDocument.Parse(content.ToString());
            JsonElement root = document.RootElement;
            target = BlobMailOutbox.BlobName(
                refused ? BlobMailOutbox.RefusedPrefix : BlobMailOutbox.SentPrefix,
                root.GetProperty(refused ? "failedAt" : "queuedAt").GetDateTimeOffset(),
                root.GetProperty("id").GetString() ?? throw new JsonException("no id"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return; // not a mail: left where it is
        }

        await container.GetBlobClient(target).UploadIfAbsentAsync(content, "application/json", ct);
        await blob.DeleteIfExistsAsync(cancellationToken: ct);
    }

    private static async Task<OutboxEntry?> ReadAsync(BlobContainerClient container, string name, CancellationToken ct)
    {
        BinaryData? content = await container.GetBlobClient(name).DownloadContentOrDefaultAsync(ct);
        if (content is null)
        {
            return null;
        }

        using JsonDocument document = JsonDocument.Parse(content.ToString());
        JsonElement root = document.RootElement;
        JsonElement message = root.GetProperty("message");
        bool failed = name.StartsWith(BlobMailOutbox.RefusedPrefix, StringComparison.Ordinal);
        return new OutboxEntry(
            root.GetProperty("id").GetString()!,
            root.GetProperty(failed ? "failedAt" : "queuedAt").GetDateTimeOffset(),
            failed ? "failed" : "queued",
            failed ? root.GetProperty("error").GetString() : null,
            message.GetProperty("subject").GetString()!,
            [.. message.GetProperty("to").EnumerateArray().Select(a => a.GetString()!)],
            [.. message.GetProperty("bcc").EnumerateArray().Select(a => a.GetString()!)],
            message.GetProperty("headers").TryGetProperty("X-Hub-Kind", out JsonElement kind) ? kind.GetString() : null,
            message.GetProperty("text").GetString()!);
    }
}
