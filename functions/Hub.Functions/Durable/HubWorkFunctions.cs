using Azure.Storage.Queues.Models;
using Hub.Storage.Durable;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Durable;

/// <summary>
/// The durable runtime's functions. HubWork handles one work-queue message (a command or a timer); a failure is
/// retried by the queue host and, after host.json maxDequeueCount attempts, moved to the poison queue, where
/// HubWorkPoison files it with its last error for operators to list and replay (<c>/api/admin/poison</c>).
/// OutboxSweep completes side effects that a crash left behind after their commit.
/// </summary>
public sealed class HubWorkFunctions(
    WorkDispatcher dispatcher, PoisonStore poison, OutboxDispatcher outbox, DurableStorage storage, ILogger<HubWorkFunctions> logger)
{
    [Function("HubWork")]
    public async Task HubWorkAsync([QueueTrigger("%Hub__DurableName%-work")] QueueMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        await storage.EnsureAsync(ct);
        await dispatcher.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);
    }

    [Function("HubWorkPoison")]
    public async Task HubWorkPoisonAsync([QueueTrigger("%Hub__DurableName%-work-poison")] string message, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        PoisonMessage filed = await poison.AcceptAsync(message, ct);
        logger.LogWarning("Work message {Id} poisoned after {DequeueCount} attempts: {LastError}", filed.Id, filed.DequeueCount, filed.LastError);
    }

    [Function("OutboxSweep")]
    public async Task OutboxSweepAsync([TimerTrigger("%Hub__OutboxSweepSchedule%", RunOnStartup = true, UseMonitor = true)] TimerInfo timer, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        int swept = await outbox.SweepAsync(OutboxDispatcher.DefaultSweepAge, ct);
        logger.LogInformation("Outbox sweep completed {Swept} left-behind side effects.", swept);
    }
}
