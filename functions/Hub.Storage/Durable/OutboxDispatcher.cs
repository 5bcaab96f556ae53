using Hub.Domain.Durable;
using Microsoft.Extensions.Logging;

namespace Hub.Storage.Durable;

/// <summary>
/// Runs outbox rows after their commit and completes them; the sweeper picks up rows a crash left behind.
/// </summary>
/// <param name="orderedKinds">
/// Kinds whose rows must run in commit order: after one fails, the aggregate's later rows of these kinds wait for the
/// sweeper. Default: aggregate commands, since a later one may need an earlier one done (a status change on the
/// ticket an earlier row creates). Other kinds (mail, connector calls, timers) run regardless, so an RT outage never
/// holds back a notification.
/// </param>
public sealed class OutboxDispatcher(
    AggregateStore store, IEnumerable<ISideEffectHandler> handlers, TimeProvider clock, ILogger<OutboxDispatcher> logger, IReadOnlySet<string>? orderedKinds = null)
{
    private readonly Dictionary<string, ISideEffectHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly IReadOnlySet<string> _ordered = orderedKinds ?? new HashSet<string>(StringComparer.Ordinal) { AggregateCommand.EffectKind };

    /// <summary>
    /// Rows younger than this are left to the command that committed them. Well above the longest an effect may take
    /// (a connector call's or a mail send's retries are bounded to two minutes), so the sweeper never runs a row the
    /// committing command is still running.
    /// </summary>
    public static readonly TimeSpan DefaultSweepAge = TimeSpan.FromMinutes(5);

    public bool Handles(string kind) => _handlers.ContainsKey(kind);

    /// <summary>Runs one commit's rows in their order; an ordered kind's failure holds back its later rows (see the class).</summary>
    /// <returns>How many rows were done and completed.</returns>
    public async Task<int> DispatchAsync(string partition, IEnumerable<OutboxRecord> rows, CancellationToken cancellationToken = default)
    {
        int done = 0;
        bool held = false;
        foreach (OutboxRecord row in rows)
        {
            bool ordered = _ordered.Contains(row.Kind);
            if (ordered && held)
            {
                continue;
            }

            if (await TryRunAsync(partition, row, cancellationToken).ConfigureAwait(false))
            {
                done++;
            }
            else
            {
                held |= ordered;
            }
        }

        return done;
    }

    /// <summary>
    /// Dispatches every outbox row, in any partition, older than <paramref name="minAge"/>, each partition's in commit
    /// order (rows sort by sequence); after an ordered kind's row fails, that partition's later rows of ordered kinds
    /// wait for the next sweep.
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan minAge, CancellationToken cancellationToken = default)
    {
        int done = 0;
        string? blocked = null;
        await foreach ((string partition, OutboxRecord row) in store.StaleOutboxAsync(clock.GetUtcNow() - minAge, cancellationToken).ConfigureAwait(false))
        {
            bool ordered = _ordered.Contains(row.Kind);
            if (ordered && partition == blocked)
            {
                continue;
            }

            if (!await TryRunAsync(partition, row, cancellationToken).ConfigureAwait(false))
            {
                blocked = ordered ? partition : blocked;
            }
            else
            {
                logger.LogInformation("Swept outbox row {Partition}/{OutboxId} ({Kind})", partition, row.Id, row.Kind);
                done++;
            }
        }

        return done;
    }

    private async Task<bool> TryRunAsync(string partition, OutboxRecord row, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(row.Kind, out ISideEffectHandler? handler))
        {
            logger.LogError("Outbox row {Partition}/{OutboxId} has kind {Kind}, which no handler performs; it stays for the sweeper", partition, row.Id, row.Kind);
            return false;
        }

        try
        {
            await handler.ExecuteAsync(new SideEffectContext(partition, row.Id, row.Kind, row.Payload), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The command that produced this effect is committed; its failure must not undo or fail it. The row stays,
            // the sweeper retries it, and the failure is logged here once.
            logger.LogWarning(ex, "Outbox row {Partition}/{OutboxId} ({Kind}) failed; the sweeper will retry it", partition, row.Id, row.Kind);
            return false;
        }

        await store.CompleteOutboxAsync(partition, row.Id, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
