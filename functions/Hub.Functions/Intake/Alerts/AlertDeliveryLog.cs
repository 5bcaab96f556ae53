using Hub.Functions.Intake.Deliveries;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// Alert deliveries that have been applied in full, by their delivery record (<see cref="DeliveryRecords"/>, id from
/// the source's name and the delivery's <c>DeliveryKey</c>, equal for an exact repeat, docs/alerts.md), and the most
/// recent ones in memory. The endpoint answers a repeat this process knows at once, from memory, so the
/// acknowledgement never waits for storage; the work handler reads the record before applying a delivery, so a repeat
/// queued by another instance (or before a restart) costs one read instead of a tracker read and commit attempt per
/// alert. A record is written only after every alert of the delivery went through its tracker, so a repeat that
/// arrives before that is applied again and the trackers' inboxes make it a no-op, as before.
/// </summary>
public sealed class AlertDeliveryLog(DeliveryRecords records)
{
    // Two generations of this many ids: bounded memory (a few MB at most), the newest always kept.
    private const int Generation = 4096;

    private readonly Lock _gate = new();
    private HashSet<string> _recent = new(StringComparer.Ordinal);
    private HashSet<string> _older = new(StringComparer.Ordinal);

    /// <summary>Whether this process applied (or saw recorded) the delivery; no storage request.</summary>
    public bool IsKnownDone(string recordId)
    {
        lock (_gate)
        {
            return _recent.Contains(recordId) || _older.Contains(recordId);
        }
    }

    /// <summary>Whether the delivery was applied in full, by this process or any other.</summary>
    public async Task<bool> IsDoneAsync(string recordId, CancellationToken cancellationToken)
    {
        if (IsKnownDone(recordId))
        {
            return true;
        }

        if (await records.GetAsync(recordId, cancellationToken) is not { State: not DeliveryRecord.Received })
        {
            return false;
        }

        Remember(recordId);
        return true;
    }

    /// <summary>Writes what became of the delivery on its record, and from then on knows it applied.</summary>
    public async Task RecordAsync(AlertDeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await records.RecordDecidedAsync(
            outcome.RecordId, outcome.Source, outcome.DeliveryKey, outcome.Target, outcome.ReceivedAt, outcome.State, outcome.Reason, outcome.Tickets, outcome.Changes, cancellationToken);
        Remember(outcome.RecordId);
    }

    private void Remember(string recordId)
    {
        lock (_gate)
        {
            if (_recent.Count >= Generation)
            {
                _older = _recent;
                _recent = new HashSet<string>(StringComparer.Ordinal);
            }

            _recent.Add(recordId);
        }
    }
}

/// <summary>What one receipt of an alert delivery did, as its delivery record shows it.</summary>
public sealed record AlertDeliveryOutcome(
    string RecordId, string Source, string DeliveryKey, string Target, DateTimeOffset ReceivedAt, string State, string? Reason,
    IReadOnlyList<long> Tickets, IReadOnlyList<string> Changes);
