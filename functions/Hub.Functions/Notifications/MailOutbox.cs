using System.Text.Json;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;

namespace Hub.Functions.Notifications;

/// <summary>
/// Delivers <c>ticket.notify</c> side effects into the mail outbox: one JSON blob per notification in the
/// <c>&lt;DurableName&gt;-outbox</c> container, named by the outbox row's idempotency key, so a retried row writes
/// nothing new. This is the development delivery DESIGN section 2 describes; the SendGrid sender (incident playbook
/// issue) will read the same records. The container exists: every path to a ticket command passes DurableStorage.
/// </summary>
public sealed class MailOutbox(StorageAccounts accounts, DurableNames names, TimeProvider clock) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly BlobContainerClient _container = new(accounts.Get(), names.OutboxContainer);

    public string Kind => TicketDecider.NotifyEffect;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketNotification notification = JsonSerializer.Deserialize<TicketNotification>(context.Payload, Json)
            ?? throw new FormatException($"Outbox row {context.IdempotencyKey} has no notification.");
        DateTimeOffset now = clock.GetUtcNow();
        var record = new OutboxMail(context.IdempotencyKey, now, notification);
        // Named by the key alone, so a retry on another day still finds the first copy.
        string name = TableKey.Escape(context.IdempotencyKey) + ".json";
        await _container.GetBlobClient(name).UploadIfAbsentAsync(BinaryData.FromObjectAsJson(record, Json), "application/json", cancellationToken);
    }

    /// <summary>A mail waiting in the outbox; <see cref="Id"/> is the idempotency key a real sender passes on.</summary>
    public sealed record OutboxMail(string Id, DateTimeOffset QueuedAt, TicketNotification Mail);
}
