using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Configuration;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Storage.Blobs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Notifications;

/// <summary>
/// <c>GET /outbox</c>: the development mail outbox (and mails a provider refused), newest first, as a simple HTML page,
/// or JSON when the caller asks for application/json. Any API role may read it; mail can hold customer data.
/// </summary>
public sealed class OutboxFunctions(BlobMailOutbox outbox, DurableStorage storage)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Function("Outbox_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator)]
    [Tags("Mail")]
    [EndpointSummary("The mail outbox (development sender) and refused mails, newest first: HTML, or JSON on Accept: application/json")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "outbox")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WholeNumber("limit", out int? limit) is { } invalid)
        {
            return invalid;
        }

        await storage.EnsureAsync(ct);
        int max = Math.Clamp(limit ?? 100, 1, 1000);
        // Listing is cheap (names and times); only the newest `limit` blobs (each written once) are downloaded.
        var blobs = new List<BlobItem>();
        await foreach (BlobItem blob in outbox.Container.GetBlobsAsync(cancellationToken: ct))
        {
            blobs.Add(blob);
        }

        var items = new List<OutboxEntry>();
        foreach (BlobItem blob in blobs.OrderByDescending(b => b.Properties.LastModified).ThenBy(b => b.Name, StringComparer.Ordinal).Take(max))
        {
            BinaryData? content = await outbox.Container.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync(ct);
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

        OutboxEntry[] newest = [.. items.OrderByDescending(i => i.At)];
        if (request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Json(new { items = newest }, Json);
        }

        var html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Mail outbox</title></head><body style=\"font-family:sans-serif\">")
            .Append("<h1>Mail outbox</h1><p>").Append(newest.Length).Append(" mails, newest first.</p><table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\">")
            .Append("<tr><th>At</th><th>State</th><th>Kind</th><th>To</th><th>Bcc</th><th>Subject</th><th>Outbox id</th></tr>");
        foreach (OutboxEntry e in newest)
        {
            html.Append("<tr><td>").Append(e.At.ToString("u", System.Globalization.CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(e.Error is null ? e.State : $"{e.State}: {e.Error}"))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(e.Kind ?? ""))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(string.Join(", ", e.To)))
                .Append("</td><td>").Append(WebUtility.HtmlEncode(string.Join(", ", e.Bcc)))
                .Append("</td><td><details><summary>").Append(WebUtility.HtmlEncode(e.Subject)).Append("</summary><pre>")
                .Append(WebUtility.HtmlEncode(e.Text)).Append("</pre></details></td><td><code>").Append(WebUtility.HtmlEncode(e.Id)).Append("</code></td></tr>");
        }

        html.Append("</table></body></html>");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8");
    }

    public sealed record OutboxEntry(string Id, DateTimeOffset At, string State, string? Error, string Subject, IReadOnlyList<string> To, IReadOnlyList<string> Bcc, string? Kind, string Text);
}
