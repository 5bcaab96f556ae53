using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;

namespace Hub.Functions.Notifications;

/// <summary>
/// The development sender: one JSON blob per mail in the <c>&lt;DurableName&gt;-outbox</c> container, under
/// <c>mail/</c>, named by the outbox row's creation time (newest first) and idempotency key, both the same on every
/// retry, so a retried row writes nothing new. Refused mails (any sender) are kept under <c>refused/</c> the same way.
/// <c>GET /api/outbox</c> and the dashboard's <c>/outbox</c> read the first page of each prefix (OutboxListing). The
/// container exists: every path to a command passes DurableStorage, which creates it with <see cref="NamesMetadata"/>.
/// </summary>
public sealed class BlobMailOutbox(StorageAccounts accounts, DurableNames names) : IMailSender
{
    public const string SentPrefix = "mail/";

    public const string RefusedPrefix = "refused/";

    /// <summary>
    /// The container metadata that says every mail is under <see cref="SentPrefix"/> or <see cref="RefusedPrefix"/>:
    /// set when the container is created, or once OutboxListing has moved the mails kept under the names used before.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NamesMetadata = new Dictionary<string, string> { ["names"] = "newest-first" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public BlobContainerClient Container { get; } = accounts.Get().GetBlobContainerClient(names.OutboxContainer);

    public string Name => "outbox";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var record = new OutboxMail(mail.Id, mail.QueuedAt, mail.Notification, mail);
        await Container.GetBlobClient(BlobName(SentPrefix, mail)).UploadIfAbsentAsync(BinaryData.FromObjectAsJson(record, Json), "application/json", cancellationToken);
    }

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

    /// <summary>The queue time a name of <see cref="BlobName"/> carries; null for a name of another shape (written before mail/ and refused/).</summary>
    public static DateTimeOffset? QueuedAtOf(string name, string prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length > prefix.Length + 19 && name.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(prefix.Length, 19), NumberStyles.None, CultureInfo.InvariantCulture, out long left)
            && left <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(DateTimeOffset.MaxValue.UtcTicks - left, TimeSpan.Zero)
            : null;
    }

    /// <summary>A mail in the outbox: <see cref="Mail"/> is the notification as the domain asked for it, <see cref="Message"/> as rendered.</summary>
    public sealed record OutboxMail(string Id, DateTimeOffset QueuedAt, Hub.Domain.Tickets.TicketNotification? Mail, OutgoingMail Message);
}
