using Microsoft.Extensions.Logging;

namespace Hub.Storage.Durable;

/// <summary>
/// Handles one <c>hub-work</c> message: a command goes to its aggregate's processor, a timer that is due fires, a timer
/// that surfaced early (a wait longer than the queue allows) is sent again for the remainder. A failure is recorded
/// for the poison list and rethrown, so the queue retries and finally poisons the message.
/// </summary>
public sealed class WorkDispatcher(IEnumerable<IAggregateHandler> aggregates, WorkQueue queue, PoisonStore poison, TimeProvider clock, ILogger<WorkDispatcher> logger)
{
    private readonly Dictionary<string, IAggregateHandler> _aggregates = aggregates.ToDictionary(a => a.Kind, StringComparer.Ordinal);

    /// <summary>A timer that surfaces this close to its due time waits in process instead of going round the queue again.</summary>
    public static readonly TimeSpan InProcessWait = TimeSpan.FromSeconds(2);

    public async Task HandleAsync(string text, long dequeueCount, CancellationToken cancellationToken = default)
    {
        try
        {
            await DispatchAsync(text, cancellationToken).ConfigureAwait(false);
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

    private async Task DispatchAsync(string text, CancellationToken cancellationToken)
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
            case WorkMessage.TimerKind:
                WorkTimer timer = message.Timer!;
                TimeSpan remaining = timer.DueAt - clock.GetUtcNow();
                if (remaining > InProcessWait)
                {
                    await queue.ScheduleTimerAsync(message, cancellationToken).ConfigureAwait(false);
                    logger.LogDebug("Timer {Timer} of {Kind} {AggregateId} re-enqueued for {Remaining}", timer.Name, message.AggregateKind, message.AggregateId, remaining);
                    return;
                }

                if (remaining > TimeSpan.Zero)
                {
                    await Task.Delay(remaining, clock, cancellationToken).ConfigureAwait(false);
                }

                string timerPayload = await queue.ReadPayloadAsync(message, cancellationToken).ConfigureAwait(false) ?? "";
                CommandStatus status = await aggregate.FireTimerAsync(message.AggregateId, timer, timerPayload, cancellationToken).ConfigureAwait(false);
                if (status == CommandStatus.Dropped)
                {
                    logger.LogInformation("Timer {Timer} of {Kind} {AggregateId} was cancelled or superseded; dropped", timer.Name, message.AggregateKind, message.AggregateId);
                }

                break;
            default:
                throw new FormatException($"Work message {message.Id} has kind '{message.Kind}'; expected '{WorkMessage.CommandKind}' or '{WorkMessage.TimerKind}'.");
        }
    }
}
