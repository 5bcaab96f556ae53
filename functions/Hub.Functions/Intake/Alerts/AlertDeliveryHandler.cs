using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;
using Hub.Functions.Intake.Deliveries;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// Applies a queued alert delivery: each alert goes to the tracker of its identity, which opens, updates or resolves
/// the alert's ticket. The tracker's inbox (keyed by identity and content digest) makes a repeated delivery a no-op.
/// What the delivery did is written on its delivery record; a trigger repeated after its alert resolved, which
/// changes nothing, is also said on the alert's ticket. Routed like an aggregate kind, though it keeps no state of
/// its own.
/// </summary>
public sealed class AlertDeliveryHandler(
    AggregateProcessor<AlertTrackerState, AlertTrackerCommand, AlertTrackerEvent> trackers,
    TicketNumbers numbers,
    HubConfiguration config,
    AlertDeliveryLog log,
    DeliveryOutcomes notes,
    Catalog.ServiceCatalogReader catalog) : IAggregateHandler
{
    public const string AggregateKind = "alert-delivery";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateKind;

    /// <param name="aggregateId">The delivery's <c>DeliveryKey</c>.</param>
    /// <param name="messageId">The work message: one per receipt of the delivery.</param>
    /// <param name="actor">The name of the source the delivery came from.</param>
    public async Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken)
    {
        AlertDelivery delivery = JsonSerializer.Deserialize<AlertDelivery>(commandJson, Json)
            ?? throw new FormatException($"Alert delivery {aggregateId} is empty.");
        string recordId = DeliveryRecords.IdOf(actor, aggregateId);
        string target = Target(delivery);
        bool done = await log.IsDoneAsync(recordId, cancellationToken);
        if (done && !delivery.Alerts.Any(a => a.Status == AlertStatus.Firing))
        {
            // Every alert of this exact delivery went through its tracker before, and repeating a resolve says nothing new.
            await log.RecordAsync(
                new AlertDeliveryOutcome(recordId, actor, aggregateId, target, delivery.ReceivedAt, DeliveryRecord.Duplicate, "An exact repeat of a delivery applied before; nothing changed.", [], []),
                cancellationToken);
            return CommandStatus.Duplicate;
        }

        // A repeated trigger is applied again (its trackers' inboxes make it a no-op) to learn whether its alert has
        // resolved since, which the sender should hear about. Two alerts at a time: the queue trigger runs up to 16
        // deliveries at once, and 32 tracker chains already keep the storage busy. More only lengthen the queue every
        // acknowledgement waits in (docs/bench.md).
        var observed = new ConcurrentBag<Observed>();
        await Parallel.ForEachAsync(
            delivery.Alerts,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (alert, ct) => observed.Add(await ObserveAsync(delivery, alert, actor, ct)));

        List<string> refusals = [.. observed.Where(o => o.Status == CommandStatus.Rejected).OrderBy(o => o.Alert.Identity, StringComparer.Ordinal).Select(o => $"alert {o.Alert.Identity}: {o.Reason}")];
        foreach (Observed o in observed.Where(o => o.RepeatAfterResolve).OrderBy(o => o.Alert.Identity, StringComparer.Ordinal))
        {
            string reason = $"alert {o.Alert.Identity}: a repeat of a trigger applied before, received after the alert resolved; ticket #{o.Ticket} was not reopened (a trigger with new content opens a new ticket)";
            refusals.Add(reason);
            // Keyed by this receipt: a retry of the work message says it once.
            await notes.NoteAsync(o.Ticket!.Value, $"alert-repeat:{messageId}:{o.Alert.Identity}", $"Delivery {recordId} from {actor} was not applied here: {reason}.", cancellationToken);
        }

        string state = refusals.Count > 0 ? DeliveryRecord.Refused
            : observed.All(o => o.Status == CommandStatus.Duplicate) ? DeliveryRecord.Duplicate
            : DeliveryRecord.Applied;
        string? why = refusals.Count > 0 ? string.Join("; ", refusals)
            : state == DeliveryRecord.Duplicate ? "Every alert of the delivery was applied before; nothing changed."
            : null;
        // Only now, with every alert through its tracker, may a repeat of this delivery be answered without queueing it.
        await log.RecordAsync(
            new AlertDeliveryOutcome(
                recordId, actor, aggregateId, target, delivery.ReceivedAt, state, why,
                [.. observed.Where(o => o.Ticket is not null).Select(o => o.Ticket!.Value).Distinct()],
                [.. observed.Where(o => o.Changes.Count > 0).OrderBy(o => o.Alert.Identity, StringComparer.Ordinal).Select(o => $"alert {o.Alert.Identity}: {string.Join(", ", o.Changes)}")]),
            cancellationToken);
        return done ? CommandStatus.Duplicate : CommandStatus.Applied;
    }

    private async Task<Observed> ObserveAsync(AlertDelivery delivery, NormalizedAlert alert, string actor, CancellationToken ct)
    {
        string messageId = $"alert:{alert.Identity}:{alert.ContentDigest}";
        Hub.Domain.Catalog.ServiceFacts? service = await catalog.FactsAsync(alert.Service, ct);
        CommandOutcome<AlertTrackerState> outcome = await numbers.HandleReservingAsync(
            trackers,
            alert.Identity,
            messageId,
            candidate => new ObserveAlert(alert, delivery.Format, config.Alerts.Queue, candidate, delivery.ReceivedAt, service),
            AlertTrackerDecider.NeedsNumber,
            actor,
            ct);
        AlertTrackerState state = outcome.State;
        return new Observed(
            alert,
            outcome.Status,
            state.OpenTicket ?? state.LastTicket,
            outcome.Changes,
            outcome.Reason,
            RepeatAfterResolve: outcome.Status == CommandStatus.Duplicate && alert.Status == AlertStatus.Firing && state.OpenTicket is null && state.LastTicket is not null);
    }

    private static string Target(AlertDelivery delivery) => delivery.Alerts.Count switch
    {
        0 => $"{delivery.Format} delivery without alerts",
        1 => $"{delivery.Format} alert {delivery.Alerts[0].Identity}",
        int n => string.Create(CultureInfo.InvariantCulture, $"{delivery.Format} alerts {delivery.Alerts[0].Identity} and {n - 1} more"),
    };

    /// <summary>What one alert of the delivery did at its tracker.</summary>
    /// <param name="Ticket">The alert's ticket: the open one, else the one it last had.</param>
    /// <param name="RepeatAfterResolve">A trigger the tracker had applied before, now received while the alert is resolved (or its ticket closed).</param>
    private sealed record Observed(NormalizedAlert Alert, CommandStatus Status, long? Ticket, IReadOnlyList<string> Changes, string? Reason, bool RepeatAfterResolve);
}
