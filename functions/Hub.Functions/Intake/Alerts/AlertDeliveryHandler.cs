using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// Applies a queued alert delivery: each alert goes to the tracker of its identity, which opens, updates or resolves
/// the alert's ticket. The tracker's inbox (keyed by identity and content digest) makes a repeated delivery a no-op.
/// Routed like an aggregate kind, though it keeps no state of its own.
/// </summary>
public sealed class AlertDeliveryHandler(
    AggregateProcessor<AlertTrackerState, AlertTrackerCommand, AlertTrackerEvent> trackers,
    TicketNumbers numbers,
    HubConfiguration config,
    AlertDeliveryLog log,
    TimeProvider clock) : IAggregateHandler
{
    public const string AggregateKind = "alert-delivery";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateKind;

    public async Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken)
    {
        AlertDelivery delivery = JsonSerializer.Deserialize<AlertDelivery>(commandJson, Json)
            ?? throw new FormatException($"Alert delivery {aggregateId} is empty.");
        if (await log.IsDoneAsync(delivery.Format, aggregateId, cancellationToken))
        {
            return CommandStatus.Duplicate; // every alert of this exact delivery went through its tracker before
        }

        // Two alerts at a time: the queue trigger runs up to 16 deliveries at once, and 32 tracker chains already keep
        // the storage busy. More only lengthen the queue every acknowledgement waits in (docs/bench.md).
        await Parallel.ForEachAsync(
            delivery.Alerts,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (alert, ct) => await ObserveAsync(delivery, alert, actor, ct));
        // Only now, with every alert through its tracker, may a repeat of this delivery be answered without queueing it.
        await log.MarkDoneAsync(delivery.Format, aggregateId, delivery.Alerts.Count, clock.GetUtcNow(), cancellationToken);
        return CommandStatus.Applied;
    }

    private async Task ObserveAsync(AlertDelivery delivery, NormalizedAlert alert, string actor, CancellationToken ct)
    {
        string messageId = $"alert:{alert.Identity}:{alert.ContentDigest}";
        await numbers.HandleReservingAsync(
            trackers,
            alert.Identity,
            messageId,
            candidate => new ObserveAlert(alert, delivery.Format, config.Alerts.Queue, candidate, delivery.ReceivedAt),
            AlertTrackerDecider.NeedsNumber,
            actor,
            ct);
    }
}
