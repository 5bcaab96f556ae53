using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Storage.Blobs;

namespace Hub.Functions.Notifications;

/// <summary>What <c>GET /api/outbox</c> and the dashboard's <c>/outbox</c> show: the newest mails of the outbox container (queued and refused).</summary>
internal static class OutboxListing
{
    public static async Task<IReadOnlyList<OutboxEntry>> NewestAsync(BlobContainerClient container, int max, CancellationToken ct)
    {
        // Listing is cheap (names and times); only the newest `max` blobs (each written once) are downloaded.
        var blobs = new List<BlobItem>();
        await foreach (BlobItem blob in container.GetBlobsAsync(cancellationToken: ct))
        {
            blobs.Add(blob);
        }

        var items = new List<OutboxEntry>();
        foreach (BlobItem blob in blobs.OrderByDescending(b => b.Properties.LastModified).ThenBy(b => b.Name, StringComparer.Ordinal).Take(max))
        {
            BinaryData? content = await container.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync(ct);
            if (content is null)
            {
                continue;
            }

            using JsonDocument document = JsonDocument.Parse(content.ToString());
            JsonElement root = document.RootElement;
            JsonElement message = root.GetProperty("message");
            bool failed = blob.Name.StartsWith("failed/", StringComparison.Ordinal);
            items.Add(new OutboxEntry(
                root.GetProperty("id").GetString()!,
                root.GetProperty(failed ? "failedAt" : "queuedAt").GetDateTimeOffset(),
                failed ? "failed" : "queued",
                failed ? root.GetProperty("error").GetString() : null,
                message.GetProperty("subject").GetString()!,
                [.. message.GetProperty("to").EnumerateArray().Select(a => a.GetString()!)],
                [.. message.GetProperty("bcc").EnumerateArray().Select(a => a.GetString()!)],
                message.GetProperty("headers").TryGetProperty("X-Hub-Kind", out JsonElement kind) ? kind.GetString() : null,
                message.GetProperty("text").GetString()!));
        }

        return [.. items.OrderByDescending(i => i.At)];
    }
}
