using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Storage.Blobs;
using Hub.Storage.Tables;

namespace Hub.Functions.Notifications;

/// <summary>
/// What <c>GET /api/outbox</c> and the dashboard's <c>/outbox</c> show: the newest mails of the outbox (queued and
/// refused), read from the outbox's list (<see cref="BlobMailOutbox.Table"/>), one query however many mails the
/// container holds; a blob is downloaded only for an entry too long to be kept in its row.
/// </summary>
internal static class OutboxListing
{
    /// <summary>Where refused mails were kept before their names sorted newest first (sent ones were at the container's root).</summary>
    private const string OldRefusedPrefix = "failed/";

    // Containers known to be listed whole; their metadata is not read again.
    private static readonly ConcurrentDictionary<Uri, bool> Listed = new();

    public static async Task<IReadOnlyList<OutboxEntry>> NewestAsync(BlobMailOutbox outbox, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        await ListOldMailsAsync(outbox, ct);
        Azure.Page<TableEntity> page = await outbox.Table.QueryPageAsync(
            TableFilter.Equal("PartitionKey", BlobMailOutbox.ListPartition), max, null, ["Blob", "Entry"], ct);
        OutboxEntry?[] items = await Task.WhenAll(page.Values.Select(row => row.GetString("Entry") is { } entry
            ? Task.FromResult(BlobMailOutbox.ListedEntry(entry))
            : ReadAsync(outbox.Container, row.GetString("Blob") ?? "", ct)));
        return [.. items.OfType<OutboxEntry>().OrderByDescending(i => i.At)];
    }

    /// <summary>
    /// Once per container without <see cref="BlobMailOutbox.ListedMetadata"/> (made before mails were listed in the
    /// table): moves each mail kept at the root or under failed/ (before mail/ and refused/) to its mail/ or refused/
    /// name by the time it holds (copied, then the old blob deleted, so a mail is never missing), lists every mail, then
    /// sets the metadata. A blob there that is not a mail stays as it is, unlisted.
    /// </summary>
    private static async Task ListOldMailsAsync(BlobMailOutbox outbox, CancellationToken ct)
    {
        BlobContainerClient container = outbox.Container;
        if (Listed.ContainsKey(container.Uri))
        {
            return;
        }

        BlobContainerProperties properties = await container.GetPropertiesAsync(cancellationToken: ct);
        if (BlobMailOutbox.ListedMetadata.All(m => properties.Metadata.TryGetValue(m.Key, out string? value) && value == m.Value))
        {
            Listed[container.Uri] = true;
            return;
        }

        await foreach (BlobItem blob in container.GetBlobsAsync(cancellationToken: ct))
        {
            string name = blob.Name;
            bool current = name.StartsWith(BlobMailOutbox.SentPrefix, StringComparison.Ordinal) || name.StartsWith(BlobMailOutbox.RefusedPrefix, StringComparison.Ordinal);
            bool old = !name.Contains('/', StringComparison.Ordinal) || name.StartsWith(OldRefusedPrefix, StringComparison.Ordinal);
            if (!(current || old) || await container.GetBlobClient(name).DownloadContentOrDefaultAsync(ct) is not { } content)
            {
                continue; // not a mail's place, or moved meanwhile by another listing
            }

            string? target = old ? NewName(name, content) : name;
            if (target is null || Entry(target, content) is not { } entry)
            {
                continue; // not a mail: left where it is, unlisted
            }

            if (old)
            {
                await container.GetBlobClient(target).UploadIfAbsentAsync(content, "application/json", ct);
            }

            await outbox.ListAsync(target, entry, ct);
            if (old)
            {
                await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct);
            }
        }

        var metadata = new Dictionary<string, string>(properties.Metadata);
        foreach ((string key, string value) in BlobMailOutbox.ListedMetadata)
        {
            metadata[key] = value;
        }

        await container.SetMetadataAsync(metadata, cancellationToken: ct);
        Listed[container.Uri] = true;
    }

    // The mail/ or refused/ name of a mail kept under an old name, from the id and time it holds; null if it is no mail.
    private static string? NewName(string name, BinaryData content)
    {
        bool refused = name.StartsWith(OldRefusedPrefix, StringComparison.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(content.ToMemory());
            JsonElement root = document.RootElement;
            return BlobMailOutbox.BlobName(
                refused ? BlobMailOutbox.RefusedPrefix : BlobMailOutbox.SentPrefix,
                root.GetProperty(refused ? "failedAt" : "queuedAt").GetDateTimeOffset(),
                root.GetProperty("id").GetString() ?? throw new JsonException($"{name} has no id"));
        }
        catch (Exception e) when (IsNoMail(e))
        {
            return null;
        }
    }

    private static OutboxEntry? Entry(string name, BinaryData content)
    {
        try
        {
            return BlobMailOutbox.Entry(name, content);
        }
        catch (Exception e) when (IsNoMail(e))
        {
            return null;
        }
    }

    private static bool IsNoMail(Exception e) => e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException;

    private static async Task<OutboxEntry?> ReadAsync(BlobContainerClient container, string name, CancellationToken ct) =>
        await container.GetBlobClient(name).DownloadContentOrDefaultAsync(ct) is { } content ? BlobMailOutbox.Entry(name, content) : null;
}
