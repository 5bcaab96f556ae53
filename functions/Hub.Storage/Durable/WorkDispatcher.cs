using Microsoft.Extensions.Logging;

namespace Hub.Storage.Durable;

/// <summary>
/// Handles one <c>hub-work</c> message: a command goes to its aggregate's processor; a commit's effects are run once
/// each, and those that did not complete are handed to the <see cref="EffectsRetry"/> orchestration. A failure is
/// recorded for the poison list and rethrown, so the queue retries and finally poisons the message.
/// </summary>
public sealed class WorkDispatcher(
    IEnumerable<IAggregateHandler> aggregates, WorkQueue queue, AggregateStore store, OutboxDispatcher outbox, PoisonStore poison, EffectRetryPolicy retryPolicy)
{
    private readonly Dictionary<string, IAggregateHandler> _aggregates = aggregates.ToDictionary(a => a.Kind, StringComparer.Ordinal);

    public async Task HandleAsync(string text, long dequeueCount, IOrchestrationStarter orchestrations, CancellationToken cancellationToken = default)
    {
        try
        {
            await DispatchAsync(text, orchestrations, cancellationToken).ConfigureAwait(false);
            if (dequeueCount > 1)
            {
                await poison.ClearFailureAsync(text, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await poison.RecordFailureAsync(text, ex, dequeueCount, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async Task DispatchAsync(string text, IOrchestrationStarter orchestrations, CancellationToken cancellationToken)
    {
        WorkMessage message = WorkQueue.Parse(text);
        if (!_aggregates.TryGetValue(message.AggregateKind, out IAggregateHandler? aggregate))
        {
            throw new InvalidOperationException($"Work message {message.Id} is for aggregate kind '{message.AggregateKind}', which this hub does not have.");
        }

        switch (message.Kind)
        {
            case WorkMessage.CommandKind:
                string payload = await queue.ReadPayloadAsync(message, cancellationToken).ConfigureAwait(false)
                    ?? throw new FormatException($"Command message {message.Id} has no payload.");
                await aggregate.HandleJsonAsync(message.AggregateId, message.Id, payload, message.Actor, cancellationToken).ConfigureAwait(false);
                break;
            case WorkMessage.EffectsKind:
                if (!long.TryParse(message.Payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long sequence))
                {
                    throw new FormatException($"Effects message {message.Id} must carry the commit's sequence as its payload.");
                }

                string partition = aggregate.PartitionOf(message.AggregateId);
                await RunEffectsAsync(partition, sequence, orchestrations, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new FormatException($"Work message {message.Id} has kind '{message.Kind}'; expected '{WorkMessage.CommandKind}' or '{WorkMessage.EffectsKind}'.");
        }
    }

    /// <summary>
    /// Runs the commit's rows, after any ordered rows (commands to other aggregates) that earlier commits of the same
    /// aggregate still have pending: effects messages are handled concurrently and in any order, and a command must not
    /// overtake the one an earlier commit sent to the same place (an RT status change before the update it follows).
    /// An earlier row that runs twice this way is harmless (the target's inbox drops the repeat). Rows of this commit
    /// that do not complete go to its retry orchestration; earlier rows stay with their own commit's.
    /// </summary>
    private async Task RunEffectsAsync(string partition, long sequence, IOrchestrationStarter orchestrations, CancellationToken cancellationToken)
    {
        IReadOnlyList<OutboxRecord> pending = await store.OutboxAsync(partition, sequence, cancellationToken).ConfigureAwait(false);
        List<OutboxRecord> rows = [.. pending.Where(r => r.Sequence == sequence || (r.FailedAt is null && outbox.IsOrdered(r.Kind)))];
        IReadOnlyList<OutboxRecord> left = await outbox.DispatchAsync(partition, rows, orchestrations, cancellationToken).ConfigureAwait(false);
        List<OutboxRecord> mine = [.. left.Where(r => r.Sequence == sequence)];
        if (mine.Count > 0)
        {
            await orchestrations.StartAsync(
                EffectsRetry.Orchestrator, EffectsRetry.InstanceId(partition, sequence), outbox.RetryOf(partition, sequence, mine, retryPolicy), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
