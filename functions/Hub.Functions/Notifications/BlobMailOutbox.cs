using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;

namespace Hub.Functions.Notifications;

/// <summary>
/// The development sender: one JSON blob per mail in the <c>&lt;DurableName&gt;-outbox</c> container, named by the
/// outbox row's idempotency key, so a retried row writes nothing new. <c>GET /api/outbox</c> and the dashboard's <c>/outbox</c> list them. The container
/// exists: every path to a command passes DurableStorage.
/// </summary>
public sealed class BlobMailOutbox(StorageAccounts accounts, DurableNames names, TimeProvider clock) : IMailSender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public BlobContainerClient Container { get; } = accounts.Get().GetBlobContainerClient(names.OutboxContainer);

    public string Name => "outbox";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var record = new OutboxMail(mail.Id, clock.GetUtcNow(), mail.Notification, mail);
        // Named by the key alone, so a retry on another day still finds the first copy.
        await Container.GetBlobClient(BlobName(mail.Id)).UploadIfAbsentAsync(BinaryData.FromObjectAsJson(record, Json), "application/json", cancellationToken);
    }

    public static string BlobName(string id) => TableKey.Escape(id) + ".json";

    /// <summary>A mail in the outbox: <see cref="Mail"/> is the notification as the domain asked for it, <see cref="Message"/> as rendered.</summary>
    public sealed record OutboxMail(string Id, DateTimeOffset QueuedAt, Hub.Domain.Tickets.TicketNotification? Mail, OutgoingMail Message);
}
