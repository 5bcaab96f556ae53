using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Storage.Blobs;

namespace Hub.Functions.Notifications;

/// <summary>What <c>GET /api/outbox</c> and the dashboard's <c>/outbox</c> show: the newest mails of the outbox container (queued and refused).</summary>
internal static class OutboxListing
{
    /// <summary>Where mails were kept before their names sorted newest first: the container's root and <c>failed/</c>.</summary>
    private const string LegacyRefusedPrefix = "failed/";

    public static async Task<IReadOnlyList<OutboxEntry>> NewestAsync(BlobContainerClient container, int max, CancellationToken ct)
    {
        // mail/ and refused/ names sort newest first, so the first page of each holds the newest `max`: the listing
        // costs two calls however many mails the container holds. Mails kept before that (root, failed/) are listed
        // whole, by their blob time; that set no longer grows.
        Task<List<(string Name, DateTimeOffset At)>> sent = FirstPageAsync(container, BlobMailOutbox.SentPrefix, max, ct);
        Task<List<(string Name, DateTimeOffset At)>> refused = FirstPageAsync(container, BlobMailOutbox.RefusedPrefix, max, ct);
        Task<List<(string Name, DateTimeOffset At)>> legacy = LegacyAsync(container, ct);
        await Task.WhenAll(sent, refused, legacy);

        IEnumerable<string> newest = (await sent).Concat(await refused).Concat(await legacy)
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

    private static async Task<List<(string Name, DateTimeOffset At)>> LegacyAsync(BlobContainerClient container, CancellationToken ct)
    {
        var blobs = new List<(string Name, DateTimeOffset At)>();
        await foreach (BlobHierarchyItem item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, ct))
        {
            if (item.IsBlob)
            {
                blobs.Add((item.Blob.Name, item.Blob.Properties.LastModified ?? default));
            }
        }

        await foreach (BlobItem blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, LegacyRefusedPrefix, ct))
        {
            blobs.Add((blob.Name, blob.Properties.LastModified ?? default));
        }

        return blobs;
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
        bool failed = name.StartsWith(BlobMailOutbox.RefusedPrefix, StringComparison.Ordinal) || name.StartsWith(LegacyRefusedPrefix, StringComparison.Ordinal);
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
