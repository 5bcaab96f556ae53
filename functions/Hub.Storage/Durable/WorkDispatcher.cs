using Microsoft.Extensions.Logging;

namespace Hub.Storage.Durable;

/// <summary>
/// Handles one <c>hub-work</c> message: a command goes to its aggregate's processor; a commit's effects are run once
/// each, and those that did not complete are handed to the <see cref="EffectsRetry"/> orchestration. A failure is
/// recorded for the poison list and rethrown, so the queue retries and finally poisons the message.
/// </summary>
public sealed class WorkDispatcher(IEnumerable<IAggregateHandler> aggregates, WorkQueue queue, OutboxDispatcher outbox, PoisonStore poison)
{
    private readonly Dictionary<string, IAggregateHandler> _aggregates = aggregates.ToDictionary(a => a.Kind, StringComparer.Ordinal);

    public async Task HandleAsync(string text, long dequeueCount, IOrchestrationStarter orchestrations, CancellationToken cancellationToken = default)
    {
        try
        {
            using (InlineEffects.Run(outbox, orchestrations))
            {
                await DispatchAsync(text, orchestrations, cancellationToken).ConfigureAwait(false);
            }

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
                // "sequence", or "sequence:commit" after a commit whose outcome its writer did not learn.
                string[] parts = (message.Payload ?? string.Empty).Split(':', 2);
                if (!long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long sequence))
                {
                    throw new FormatException($"Effects message {message.Id} must carry the commit's sequence as its payload.");
                }

                await outbox.RunCommitAsync(
                    aggregate.PartitionOf(message.AggregateId), sequence, orchestrations, parts.Length == 2 ? parts[1] : null, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new FormatException($"Work message {message.Id} has kind '{message.Kind}'; expected '{WorkMessage.CommandKind}' or '{WorkMessage.EffectsKind}'.");
        }
    }
}
