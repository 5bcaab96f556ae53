using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;

namespace Hub.Functions.Notifications;

/// <summary>
/// The development sender: one JSON blob per mail in the <c>&lt;DurableName&gt;-outbox</c> container, under
/// <c>mail/</c>, named by the outbox row's creation time (newest first) and idempotency key, both the same on every
/// retry, so a retried row writes nothing new. Refused mails (any sender) are kept under <c>refused/</c> the same way.
/// Each blob is also listed, newest first, in <see cref="ListPartition"/> of the <c>&lt;DurableName&gt;outbox</c> table,
/// which <c>GET /api/outbox</c> and the dashboard's <c>/outbox</c> read (OutboxListing). The container exists: every
/// path to a command passes DurableStorage, which creates it with <see cref="ListedMetadata"/>.
/// </summary>
public sealed class BlobMailOutbox(StorageAccounts accounts, DurableNames names) : IMailSender
{
    public const string SentPrefix = "mail/";

    public const string RefusedPrefix = "refused/";

    /// <summary>The partition of <see cref="Table"/> with a row per mail blob, newest first: the blob's name and what the lists show of it.</summary>
    public const string ListPartition = "mail";

    /// <summary>
    /// The container metadata that says every mail in it is under <see cref="SentPrefix"/> or <see cref="RefusedPrefix"/>
    /// and listed in <see cref="ListPartition"/>: set when the container is created, or once OutboxListing has moved and
    /// listed the mails kept before.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ListedMetadata = new Dictionary<string, string> { ["outbox"] = "listed" };

    // A string property holds 32 K UTF-16 characters; a longer entry is read from its blob.
    private const int MaxListedChars = 30_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static readonly JsonSerializerOptions EntryJson = new(JsonSerializerDefaults.Web);

    public BlobContainerClient Container { get; } = accounts.Get().GetBlobContainerClient(names.OutboxContainer);

    /// <summary>The outbox's list (<c>&lt;DurableName&gt;outbox</c>), which holds <see cref="ListPartition"/>.</summary>
    public TableClient Table { get; } = accounts.Get().GetTableClient(names.OutboxTable);

    public string Name => "outbox";

    public Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return KeepAsync(SentPrefix, mail, new OutboxMail(mail.Id, mail.QueuedAt, mail.Notification, mail), cancellationToken);
    }

    /// <summary>Writes <paramref name="record"/> as the blob of <paramref name="mail"/> under <paramref name="prefix"/> (once: a retry writes nothing new), then lists it.</summary>
    public async Task KeepAsync(string prefix, OutgoingMail mail, object record, CancellationToken cancellationToken)
    {
        string name = BlobName(prefix, mail);
        BinaryData content = BinaryData.FromObjectAsJson(record, Json);
        BlobClient blob = Container.GetBlobClient(name);
        if (await blob.UploadIfAbsentAsync(content, "application/json", cancellationToken) is null)
        {
            // Written by an earlier try: the list shows the blob as it is.
            content = await blob.DownloadContentOrDefaultAsync(cancellationToken) ?? content;
        }

        await ListAsync(name, Entry(name, content), cancellationToken);
    }

    /// <summary>The row of <see cref="ListPartition"/> for blob <paramref name="name"/>; written again, it is the same row.</summary>
    public async Task ListAsync(string name, OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        string json = JsonSerializer.Serialize(entry, EntryJson);
        var row = new TableEntity(ListPartition, ListRowKey(name))
        {
            ["Blob"] = name,
            ["Entry"] = json.Length <= MaxListedChars ? json : null,
        };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>What the lists show of a mail blob: its name says whether it was refused, its JSON the rest.</summary>
    public static OutboxEntry Entry(string name, BinaryData content)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(content);
        using JsonDocument document = JsonDocument.Parse(content.ToMemory());
        JsonElement root = document.RootElement;
        JsonElement message = root.GetProperty("message");
        bool failed = name.StartsWith(RefusedPrefix, StringComparison.Ordinal);
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

    /// <summary>A listed entry as <see cref="ListAsync"/> stored it.</summary>
    public static OutboxEntry? ListedEntry(string json) => JsonSerializer.Deserialize<OutboxEntry>(json, EntryJson);

    /// <summary>
    /// <paramref name="prefix"/>, then the ticks from the mail's <see cref="OutgoingMail.QueuedAt"/> to the end of time
    /// (19 digits, so names sort newest first), then the escaped idempotency key.
    /// </summary>
    public static string BlobName(string prefix, OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return BlobName(prefix, mail.QueuedAt, mail.Id);
    }

    /// <summary>The name of <see cref="BlobName(string, OutgoingMail)"/> for a mail of key <paramref name="id"/> at <paramref name="at"/>.</summary>
    public static string BlobName(string prefix, DateTimeOffset at, string id)
    {
        long left = DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}{left:D19}-{TableKey.Escape(id)}.json");
    }

    // The blob name's time and key first (newest first across both prefixes), then which prefix: mail~2F<...> would
    // sort the sent before the refused. Escaped, as a key may not hold '/'.
    private static string ListRowKey(string name)
    {
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        return TableKey.Escape(name[(slash + 1)..] + "/" + name[..slash]);
    }

    /// <summary>A mail in the outbox: <see cref="Mail"/> is the notification as the domain asked for it, <see cref="Message"/> as rendered.</summary>
    public sealed record OutboxMail(string Id, DateTimeOffset QueuedAt, Hub.Domain.Tickets.TicketNotification? Mail, OutgoingMail Message);
}
