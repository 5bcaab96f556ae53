using Hub.Storage.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Durable;

/// <summary>
/// The orchestrations behind every wait and every retried effect. The timer orchestrations (<see cref="WorkflowTimerFunctions"/>,
/// and <c>AggregateTimer</c> for any other) wait on a durable timer and fire an aggregate's timer; <c>Effects_Retry</c>
/// retries the outbox rows of one commit that failed their first attempt, with backoff, and gives each up once its
/// policy runs out. Activities read and write aggregates and the outbox only through the dispatcher, and are
/// idempotent: an activity may run twice after a crash.
/// </summary>
public sealed class EffectFunctions(OutboxDispatcher outbox, IEnumerable<IAggregateHandler> aggregates, DurableStorage storage)
{
    /// <summary>
    /// A timer no workflow names (<see cref="WorkflowTimerFunctions"/>), and every timer set before they had names:
    /// instances already waiting under this name still fire after an upgrade.
    /// </summary>
    [Function(AggregateTimer.Orchestrator)]
    public static Task AggregateTimerAsync([OrchestrationTrigger] TaskOrchestrationContext context) => WaitAndFireAsync(context);

    /// <summary>The body of every timer orchestration: wait until the timer is due, then fire it.</summary>
    internal static async Task WaitAndFireAsync(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        AggregateTimer timer = context.GetInput<AggregateTimer>() ?? throw new InvalidOperationException("An aggregate timer needs its input.");
        // The Azure Storage backend hides a timer message for whole seconds, rounded down, so a timer can fire up to a
        // second early. Waiting again for a remainder under a second would do the same (hidden for 0 s): a replay and
        // a history write each, several times over. So the orchestration waits while a second or more is left, and
        // the activity sleeps out the rest (nobody is paged before their deadline).
        DateTimeOffset fireAt = timer.FireAt ?? timer.DueAt;
        while (fireAt - context.CurrentUtcDateTime >= TimeSpan.FromSeconds(1))
        {
            await context.CreateTimer(fireAt.UtcDateTime, CancellationToken.None);
        }

        // Firing is a commit on the aggregate; a storage outage is waited out, never given up.
        await context.CallActivityAsync(AggregateTimer.FireActivity, timer, Retry(EffectRetryPolicy.Default with { GiveUpAfter = TimeSpan.FromDays(7) }));
    }

    [Function(AggregateTimer.FireActivity)]
    public async Task FireAsync([ActivityTrigger] AggregateTimer timer, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        // FireAt is the durable engine's real time, not the hub clock (TimerEffect): what the orchestration left.
        // A timer counts whole milliseconds and may wake a fraction of one early: it sleeps again until the time is past.
        DateTimeOffset fireAt = timer.FireAt ?? timer.DueAt;
        for (TimeSpan early = fireAt - TimeProvider.System.GetUtcNow(); early > TimeSpan.Zero; early = fireAt - TimeProvider.System.GetUtcNow())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(Math.Min(early.TotalMilliseconds, 1000))), TimeProvider.System, ct);
        }

        await storage.EnsureAsync(ct);
        IAggregateHandler aggregate = aggregates.FirstOrDefault(a => a.Kind == timer.AggregateKind)
            ?? throw new InvalidOperationException($"Timer {timer.InstanceId} is for aggregate kind '{timer.AggregateKind}', which this hub does not have.");
        // The page a deadline causes goes out from here, not after another queue hop.
        using (InlineEffects.Run(outbox, new DurableStarter(client)))
        {
            await aggregate.FireTimerAsync(timer, ct);
        }
    }

    [Function(EffectsRetry.Orchestrator)]
    public static async Task EffectsRetryAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        EffectsRetry retry = context.GetInput<EffectsRetry>() ?? throw new InvalidOperationException("An effects retry needs its input.");
        TaskOptions options = Retry(retry.Policy);
        string? heldBehind = null;
        foreach (EffectStep step in retry.Steps)
        {
            if (step.Ordered && heldBehind is not null)
            {
                await context.CallActivityAsync(EffectsRetry.GiveUpActivity, new EffectRow(retry.Partition, step.Id, $"not run: the earlier effect {heldBehind} was given up"));
                continue;
            }

            try
            {
                await context.CallActivityAsync(EffectsRetry.PerformActivity, new EffectRow(retry.Partition, step.Id), options);
            }
            catch (TaskFailedException e)
            {
                await context.CallActivityAsync(EffectsRetry.GiveUpActivity, new EffectRow(retry.Partition, step.Id, e.FailureDetails.ErrorMessage));
                heldBehind = step.Ordered ? step.Id : heldBehind;
            }
        }
    }

    [Function(EffectsRetry.PerformActivity)]
    public async Task PerformAsync([ActivityTrigger] EffectRow row, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        await storage.EnsureAsync(ct);
        var starter = new DurableStarter(client);
        using (InlineEffects.Run(outbox, starter))
        {
            await outbox.PerformAsync(row.Partition, row.Id, starter, ct);
        }
    }

    [Function(EffectsRetry.GiveUpActivity)]
    public async Task GiveUpAsync([ActivityTrigger] EffectRow row, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        await storage.EnsureAsync(ct);
        await outbox.GiveUpAsync(row.Partition, row.Id, row.Error ?? "given up", new DurableStarter(client), ct);
    }

    /// <summary>An activity's retries under <paramref name="policy"/>, tried until it gives up.</summary>
    internal static TaskOptions Retry(EffectRetryPolicy policy) => TaskOptions.FromRetryPolicy(new RetryPolicy(
        int.MaxValue, policy.FirstRetry, policy.Backoff, policy.MaxRetry, policy.GiveUpAfter));
}
