using Hub.Domain.Durable;
using Microsoft.Extensions.Logging;

namespace Hub.Storage.Durable;

/// <summary>
/// Runs outbox rows after their commit, outside the request that committed them: first once each, from the
/// <c>hub-work</c> message the commit sent (<see cref="DispatchAsync"/>); a row that fails there is handed to the
/// <see cref="EffectsRetry"/> orchestration, whose activities retry it with backoff (<see cref="PerformAsync"/>) and
/// finally give it up (<see cref="GiveUpAsync"/>). <see cref="RelayAsync"/> hands over rows a crash left behind.
/// </summary>
/// <param name="orderedKinds">
/// Kinds whose rows must run in commit order: after one fails, the commit's later rows of these kinds wait for it.
/// Default: aggregate commands, since a later one may need an earlier one done (a status change on the ticket an
/// earlier row creates). Other kinds (mail, connector calls, timers) run regardless, so an RT outage never holds back a
/// notification.
/// </param>
public sealed class OutboxDispatcher(
    AggregateStore store,
    IEnumerable<ISideEffectHandler> handlers,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger,
    EffectRetryPolicy? retryPolicy = null,
    IReadOnlySet<string>? orderedKinds = null)
{
    private readonly EffectRetryPolicy _retryPolicy = retryPolicy ?? EffectRetryPolicy.Default;
    private readonly Dictionary<string, ISideEffectHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly IReadOnlySet<string> _ordered = orderedKinds ?? new HashSet<string>(StringComparer.Ordinal) { AggregateCommand.EffectKind };

    /// <summary>
    /// Rows older than this with no outcome are relayed to the retry orchestration: the commit's own hand-over was lost
    /// (a crash between the commit and its work message). Well above the queue's wait for a busy hub.
    /// </summary>
    public static readonly TimeSpan DefaultRelayAge = TimeSpan.FromMinutes(5);

    public bool Handles(string kind) => _handlers.ContainsKey(kind);

    /// <summary>Whether rows of <paramref name="kind"/> run in commit order (see the class).</summary>
    public bool IsOrdered(string kind) => _ordered.Contains(kind);

    /// <summary>
    /// The first attempt at the effects of the commit <paramref name="sequence"/>, after any ordered rows (commands to
    /// other aggregates) that earlier commits of the same aggregate still have pending: commits' effects are run
    /// concurrently and in any order, and a command must not overtake the one an earlier commit sent to the same place
    /// (an RT status change before the update it follows). An earlier row that runs twice this way is harmless (the
    /// target's inbox drops the repeat). Rows of this commit that do not complete go to its retry orchestration;
    /// earlier rows stay with their own commit's.
    /// </summary>
    /// <param name="commit">Only the rows of this attempt at the commit (<see cref="OutboxRecord.Commit"/>); null for any.</param>
    /// <param name="pendingRows">Every row pending in the partition, when the committer knows them (a new aggregate's
    /// first commit); null to read them.</param>
    public async Task RunCommitAsync(
        string partition,
        long sequence,
        IOrchestrationStarter orchestrations,
        string? commit = null,
        IReadOnlyList<OutboxRecord>? pendingRows = null,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyList<OutboxRecord> pending = pendingRows ?? await store.OutboxAsync(partition, sequence, cancellationToken).ConfigureAwait(false);
        if (commit is not null && !pending.Any(r => r.Sequence == sequence && r.Commit == commit))
        {
            return; // that attempt did not commit
        }

        List<OutboxRecord> rows = [.. pending.Where(r => r.Sequence == sequence || (r.FailedAt is null && IsOrdered(r.Kind)))];
        IReadOnlyList<OutboxRecord> left = await DispatchAsync(partition, rows, orchestrations, cancellationToken).ConfigureAwait(false);
        List<OutboxRecord> mine = [.. left.Where(r => r.Sequence == sequence)];
        if (mine.Count > 0)
        {
            await orchestrations.StartAsync(
                EffectsRetry.Orchestrator, EffectsRetry.InstanceId(partition, sequence), RetryOf(partition, sequence, mine, _retryPolicy), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The first attempt at one commit's rows, in their order; an ordered kind's failure holds back its later ordered
    /// rows (see the class).
    /// </summary>
    /// <returns>The rows that did not complete (failed or held back), for the retry orchestration.</returns>
    public async Task<IReadOnlyList<OutboxRecord>> DispatchAsync(
        string partition, IEnumerable<OutboxRecord> rows, IOrchestrationStarter orchestrations, CancellationToken cancellationToken = default)
    {
        var left = new List<OutboxRecord>();
        bool held = false;
        foreach (OutboxRecord row in rows)
        {
            bool ordered = _ordered.Contains(row.Kind);
            if (row.FailedAt is not null)
            {
                held |= ordered;
                continue;
            }

            if (ordered && held)
            {
                left.Add(row);
                continue;
            }

            try
            {
                await RunAsync(partition, row, orchestrations, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The command that produced this effect is committed; its failure must not undo or fail it.
                logger.LogWarning(ex, "Outbox row {Partition}/{OutboxId} ({Kind}) failed; it is retried with backoff", partition, row.Id, row.Kind);
                left.Add(row);
                held |= ordered;
            }
        }

        return left;
    }

    /// <summary>The retry orchestration's input for rows of one commit.</summary>
    public EffectsRetry RetryOf(string partition, long sequence, IEnumerable<OutboxRecord> rows, EffectRetryPolicy policy) =>
        new(partition, sequence, [.. rows.Select(r => new EffectStep(r.Id, r.Kind, _ordered.Contains(r.Kind)))], policy);

    /// <summary>One try of one row (the perform activity): done, or already done before; a failure throws for the retry policy.</summary>
    public async Task PerformAsync(string partition, string outboxId, IOrchestrationStarter orchestrations, CancellationToken cancellationToken = default)
    {
        if (await store.OutboxRowAsync(partition, outboxId, cancellationToken).ConfigureAwait(false) is { FailedAt: null } row)
        {
            await RunAsync(partition, row, orchestrations, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives a row up (the give-up activity): marks it failed, then lets its handler make the failure visible.</summary>
    public async Task GiveUpAsync(string partition, string outboxId, string error, IOrchestrationStarter orchestrations, CancellationToken cancellationToken = default)
    {
        if (await store.OutboxRowAsync(partition, outboxId, cancellationToken).ConfigureAwait(false) is not { } row)
        {
            return; // completed after all
        }

        logger.LogError("Outbox row {Partition}/{OutboxId} ({Kind}) given up: {Error}", partition, row.Id, row.Kind, error);
        await store.FailOutboxAsync(partition, row, error, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (_handlers.TryGetValue(row.Kind, out ISideEffectHandler? handler))
        {
            await handler.GiveUpAsync(Context(partition, row, orchestrations), error, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hands every row older than <paramref name="minAge"/> that has no outcome to the retry orchestration of its
    /// commit (an instance that exists already is left alone).
    /// </summary>
    /// <returns>The instance ids of the retry orchestrations this call started.</returns>
    public async Task<IReadOnlyList<string>> RelayAsync(TimeSpan minAge, IOrchestrationStarter orchestrations, CancellationToken cancellationToken = default)
    {
        var commits = new List<(string Partition, long Sequence, List<OutboxRecord> Rows)>();
        await foreach ((string partition, OutboxRecord row) in store.StaleOutboxAsync(clock.GetUtcNow() - minAge, cancellationToken).ConfigureAwait(false))
        {
            if (commits.Count == 0 || commits[^1].Partition != partition || commits[^1].Sequence != row.Sequence)
            {
                commits.Add((partition, row.Sequence, []));
            }

            commits[^1].Rows.Add(row);
        }

        var started = new List<string>();
        foreach ((string partition, long sequence, List<OutboxRecord> rows) in commits)
        {
            string instanceId = EffectsRetry.InstanceId(partition, sequence);
            if (await orchestrations.StartAsync(EffectsRetry.Orchestrator, instanceId, RetryOf(partition, sequence, rows, _retryPolicy), cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("Relayed {Count} left-behind outbox rows of {Partition} commit {Sequence}", rows.Count, partition, sequence);
                started.Add(instanceId);
            }
        }

        return started;
    }

    private async Task RunAsync(string partition, OutboxRecord row, IOrchestrationStarter orchestrations, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(row.Kind, out ISideEffectHandler? handler))
        {
            throw new InvalidOperationException($"Outbox row {partition}/{row.Id} has kind {row.Kind}, which no handler performs.");
        }

        await handler.ExecuteAsync(Context(partition, row, orchestrations), cancellationToken).ConfigureAwait(false);
        await store.CompleteOutboxAsync(partition, row.Id, cancellationToken).ConfigureAwait(false);
    }

    private static SideEffectContext Context(string partition, OutboxRecord row, IOrchestrationStarter orchestrations) =>
        new(partition, row.Id, row.Kind, row.Payload, orchestrations, row.CreatedAt);
}
