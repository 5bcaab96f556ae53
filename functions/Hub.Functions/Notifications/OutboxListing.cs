using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Storage.Blobs;

namespace Hub.Functions.Notifications;

/// <summary>What <c>GET /outbox</c> shows: the newest mails of the outbox container (queued and refused), and the page listing them.</summary>
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

    public static string Html(IReadOnlyList<OutboxEntry> newest)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Mail outbox</title></head><body style=\"font-family:sans-serif\">")
            .Append("<h1>Mail outbox</h1><p>").Append(newest.Count).Append(" mails, newest first.</p><table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\">")
            .Append("<tr><th>At</th><th>State</th><th>Kind</th><th>To</th><th>Bcc</th><th>Subject</th><th>Outbox id</th></tr>");
        foreach (OutboxEntry e in newest)
        {
            html.Append("<tr><td>").Append(e.At.ToString("u", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(e.Error is null ? e.State : $"{e.State}: {e.Error}"))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(e.Kind ?? ""))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(string.Join(", ", e.To)))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(string.Join(", ", e.Bcc)))
                .Append("</td><td><details><summary>").Append(WebUtility.HtmlEncode(e.Subject)).Append("</summary><pre>")
                .Append(WebUtility.HtmlEncode(e.Text)).Append("</pre></details></td><td><code>").Append(WebUtility.HtmlEncode(e.Id)).Append("</code></td></tr>");
        }

        return html.Append("</table></body></html>").ToString();
    }
}
