using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Storage.Durable;

namespace Hub.Functions.Notifications;

/// <summary>
/// Performs <c>ticket.notify</c> side effects (ticket traffic, incident notifications): renders the kind's template and
/// hands the mail to the configured sender with the outbox row's idempotency key. A transient failure throws, so the
/// row stays for the sweeper; a permanent refusal is recorded under <c>refused/</c> in the outbox container (shown at
/// /outbox) and logged, and the row completes, since retrying cannot help.
/// </summary>
public sealed class MailDelivery(IMailSender sender, BlobMailOutbox outbox, HubConfiguration config, TimeProvider clock, ILogger<MailDelivery> logger) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Kind => TicketDecider.NotifyEffect;

    public IMailSender Sender => sender;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketNotification notification = JsonSerializer.Deserialize<TicketNotification>(context.Payload, Json)
            ?? throw new FormatException($"Outbox row {context.IdempotencyKey} has no notification.");
        string id = context.IdempotencyKey;
        OutgoingMail mail = MailTemplates.Render(id, notification, config) with { QueuedAt = context.CreatedAt };
        try
        {
            await sender.SendAsync(mail, cancellationToken);
        }
        catch (MailSendException ex) when (ex.Permanent)
        {
            logger.LogError("Mail {OutboxId} ({Kind}, ticket #{Number}) was refused and will not be retried: {Error}", id, notification.Kind, notification.Number, ex.Message);
            var failure = new FailedMail(id, clock.GetUtcNow(), ex.Message, ex.Status, mail);
            await outbox.KeepAsync(BlobMailOutbox.RefusedPrefix, mail, failure, cancellationToken);
        }
    }

    public sealed record FailedMail(string Id, DateTimeOffset FailedAt, string Error, int? Status, OutgoingMail Message);
}
