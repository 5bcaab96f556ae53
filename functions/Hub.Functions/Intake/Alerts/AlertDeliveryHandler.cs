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
/// Then the delivery's record is decided from what each tracker did (docs/alerts.md). Routed like an aggregate kind,
/// though it keeps no state of its own.
/// </summary>
public sealed class AlertDeliveryHandler(
    AggregateProcessor<AlertTrackerState, AlertTrackerCommand, AlertTrackerEvent> trackers,
    TicketNumbers numbers,
    HubConfiguration config,
    AlertDeliveryLog log,
    DeliveryRecords records,
    DeliveryOutcomes outcomes,
    TimeProvider clock) : IAggregateHandler
{
    public const string AggregateKind = "alert-delivery";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateKind;

    public async Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken)
    {
        AlertDelivery delivery = JsonSerializer.Deserialize<AlertDelivery>(commandJson, Json)
            ?? throw new FormatException($"Alert delivery {aggregateId} is empty.");
        var observed = new ConcurrentDictionary<NormalizedAlert, CommandOutcome<AlertTrackerState>>();
        bool done = await log.IsDoneAsync(delivery.Format, aggregateId, cancellationToken);
        if (done)
        {
            // Every alert of this exact delivery went through its tracker before: only read what each tracker knows now.
            foreach (NormalizedAlert alert in delivery.Alerts)
            {
                AggregateView<AlertTrackerState>? tracker = await trackers.GetAsync(alert.Identity, cancellationToken);
                observed[alert] = new CommandOutcome<AlertTrackerState>(CommandStatus.Duplicate, tracker?.State ?? new AlertTrackerState(null, null, 0, "quiet"), 0);
            }
        }
        else
        {
            // Two alerts at a time: the queue trigger runs up to 16 deliveries at once, and 32 tracker chains already keep
            // the storage busy. More only lengthen the queue every acknowledgement waits in (docs/bench.md).
            await Parallel.ForEachAsync(
                delivery.Alerts,
                new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
                async (alert, ct) => observed[alert] = await ObserveAsync(delivery, alert, actor, ct));
            // Only now, with every alert through its tracker, may a repeat of this delivery be answered without queueing it.
            await log.MarkDoneAsync(delivery.Format, aggregateId, delivery.Alerts.Count, clock.GetUtcNow(), cancellationToken);
        }

        if (delivery.DeliveryId is { } record)
        {
            await RecordAsync(record, delivery, observed, cancellationToken);
        }

        return done ? CommandStatus.Duplicate : CommandStatus.Applied;
    }

    private async Task<CommandOutcome<AlertTrackerState>> ObserveAsync(AlertDelivery delivery, NormalizedAlert alert, string actor, CancellationToken ct)
    {
        string messageId = $"alert:{alert.Identity}:{alert.ContentDigest}";
        return await numbers.HandleReservingAsync(
            trackers,
            alert.Identity,
            messageId,
            candidate => new ObserveAlert(alert, delivery.Format, config.Alerts.Queue, candidate, delivery.ReceivedAt),
            AlertTrackerDecider.NeedsNumber,
            actor,
            ct);
    }

    /// <summary>
    /// Applied when any alert changed its tracker; else refused when a tracker refused one, else duplicate. A refused
    /// alert, and a firing repeated after its ticket resolved, get a note on the alert's ticket (once per receipt). Other
    /// repeats are on the record only: Alertmanager repeats a group, resolved alerts included, every repeat_interval, and
    /// a note each time would bury the ticket.
    /// </summary>
    private async Task RecordAsync(
        string record, AlertDelivery delivery, IReadOnlyDictionary<NormalizedAlert, CommandOutcome<AlertTrackerState>> observed, CancellationToken ct)
    {
        var tickets = new SortedSet<long>();
        var changes = new List<string>();
        var reasons = new List<string>();
        foreach (NormalizedAlert alert in delivery.Alerts)
        {
            CommandOutcome<AlertTrackerState> outcome = observed[alert];
            AlertTrackerState state = outcome.State;
            long? ticket = state.OpenTicket ?? state.LastTicket;
            if (ticket is { } t)
            {
                tickets.Add(t);
            }

            bool afterResolve = outcome.Status == CommandStatus.Duplicate && alert.Status != AlertStatus.Resolved && state.OpenTicket is null;
            string? reason = outcome.Status switch
            {
                CommandStatus.Applied => null,
                CommandStatus.Duplicate when afterResolve && state.LastTicket is { } last =>
                    string.Create(CultureInfo.InvariantCulture, $"{alert.Identity}: a repeat of an event already applied to ticket #{last}, received after the alert's ticket was {state.Status}; it is taken as the sender's retry of that event and opens no ticket. A new firing needs new content (another timestamp, or another dedup_key)."),
                CommandStatus.Duplicate => ticket is { } d
                    ? string.Create(CultureInfo.InvariantCulture, $"{alert.Identity}: already applied to ticket #{d}; nothing changed.")
                    : $"{alert.Identity}: already applied; nothing changed.",
                _ => $"{alert.Identity}: {outcome.Reason}",
            };
            if (reason is null)
            {
                changes.AddRange(outcome.Changes.Select(c => $"alert {alert.Identity}: {c}"));
                continue;
            }

            reasons.Add(reason);
            if (ticket is { } noted && (outcome.Status == CommandStatus.Rejected || afterResolve))
            {
                string messageId = string.Create(CultureInfo.InvariantCulture, $"delivery-note:{record}:{delivery.Receipt}:{alert.Identity}");
                await outcomes.NoteAsync(noted, messageId, $"Delivery {record} from {delivery.Format} changed nothing: {reason}", ct);
            }
        }

        string decided = changes.Count > 0 ? DeliveryRecord.Applied
            : observed.Values.Any(o => o.Status == CommandStatus.Rejected) ? DeliveryRecord.Refused
            : DeliveryRecord.Duplicate;
        await records.DecideAsync(record, decided, reasons.Count > 0 ? string.Join(" ", reasons) : null, tickets, changes, ct);
    }
}
