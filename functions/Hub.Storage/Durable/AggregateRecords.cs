using Azure;

namespace Hub.Storage.Durable;

/// <summary>The state row of an aggregate partition as loaded: what the next commit must be guarded by.</summary>
public sealed record AggregateSnapshot(
    string Partition, ETag ETag, long Sequence, string StateJson, string? StateName, IReadOnlyDictionary<string, TimerSlot> Timers);

/// <summary>
/// What a command's first attempt may be decided on without reading the state row: the row as read before
/// (<see cref="Snapshot"/>), or <see cref="Absent"/>: no aggregate yet. Its ETag, or the insert of a new state row,
/// guards the commit, so a stale basis only costs a retry.
/// </summary>
public sealed record AggregateBasis(AggregateSnapshot? Snapshot)
{
    public static AggregateBasis Absent { get; } = new((AggregateSnapshot?)null);
}

/// <summary>The live timer of a given name: a fired message whose token differs was cancelled or superseded.</summary>
public sealed record TimerSlot(string Token, DateTimeOffset DueAt);

/// <summary>One history row: <c>event-&lt;seq&gt;</c>, append-only.</summary>
public sealed record EventRecord(long Sequence, string Type, string Actor, DateTimeOffset At, string? FromState, string? ToState, string Data);

/// <summary>A side effect committed with the state and not yet done.</summary>
/// <param name="FailedAt">When its retries ran out and it was given up; such a row stays, listed with <paramref name="Error"/>.</param>
public sealed record OutboxRecord(string Id, string Kind, string Payload, DateTimeOffset CreatedAt, DateTimeOffset? FailedAt = null, string? Error = null)
{
    /// <summary>The sequence of the commit that wrote the row (its id starts with it).</summary>
    public long Sequence => long.Parse(Id.AsSpan(0, 19), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The attempt that wrote the row, the id's last part, the same for every row of one commit: after a commit whose
    /// outcome is unknown, it tells that commit's rows from those of a retry that committed the same sequence.
    /// </summary>
    public string Commit => Id[(Id.LastIndexOf('-') + 1)..];
}

/// <summary>Everything one command changes in a partition, written as one entity group transaction.</summary>
public sealed record AggregateCommit(
    string Partition,
    ETag? ExpectedETag,
    long Sequence,
    string StateJson,
    string? StateName,
    IReadOnlyDictionary<string, TimerSlot> Timers,
    IReadOnlyList<EventRecord> Events,
    IReadOnlyList<OutboxRecord> Outbox,
    string? InboxId,
    DateTimeOffset At)
{
    /// <summary>Which attempt wrote the commit (<see cref="OutboxRecord.Commit"/>), recorded on its inbox row.</summary>
    public string? Attempt { get; init; }

    /// <summary>The decider's list columns for the new state (<c>IDecider.Columns</c>), stored on the state row.</summary>
    public IReadOnlyDictionary<string, string?>? Columns { get; init; }
}

/// <summary>The inbox row of an applied message: the commit that applied it (0 and null on rows older than these fields).</summary>
public sealed record InboxEntry(long Sequence, string? Attempt);

public enum CommitOutcome
{
    Committed,

    /// <summary>Someone else changed the partition first (412, or a racing insert): re-read and decide again.</summary>
    Conflict,

    /// <summary>The inbox already holds this message: it was applied before.</summary>
    Duplicate,
}

/// <summary>One page of history, oldest first.</summary>
public sealed record HistoryPage(IReadOnlyList<EventRecord> Events, string? ContinuationToken);

/// <summary>An effect given up after its retries: the outbox row <see cref="Id"/> of aggregate partition <see cref="Partition"/>.</summary>
public sealed record FailedEffect(string Partition, string Id, string Kind, DateTimeOffset CreatedAt, DateTimeOffset FailedAt, string Error)
{
    /// <summary>The idempotency key the effect was given (<c>partition/outbox id</c>), as logs and connectors name it.</summary>
    public string Key => $"{Partition}/{Id}";
}
