using Azure.Storage.Queues.Models;
using Hub.Storage.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Durable;

/// <summary>
/// The work queue's functions. HubWork handles one work-queue message (a command, or a commit's effects); a failure is
/// retried by the queue host and, after host.json maxDequeueCount attempts, moved to the poison queue, where
/// HubWorkPoison files it with its last error for operators to list and replay (<c>/api/admin/poison</c>).
/// OutboxRelay hands outbox rows whose commit's work message was lost (a crash between the two) to the retry
/// orchestration.
/// </summary>
public sealed class HubWorkFunctions(
    WorkDispatcher dispatcher, PoisonStore poison, OutboxDispatcher outbox, DurableStorage storage, ILogger<HubWorkFunctions> logger)
{
    [Function("HubWork")]
    public async Task HubWorkAsync([QueueTrigger("%Hub__DurableName%-work")] QueueMessage message, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        await storage.EnsureAsync(ct);
        await dispatcher.HandleAsync(message.Body.ToString(), message.DequeueCount, new DurableStarter(client), ct);
    }

    [Function("HubWorkPoison")]
    public async Task HubWorkPoisonAsync([QueueTrigger("%Hub__DurableName%-work-poison")] string message, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        PoisonMessage filed = await poison.AcceptAsync(message, ct);
        logger.LogWarning("Work message {Id} poisoned after {DequeueCount} attempts: {LastError}", filed.Id, filed.DequeueCount, filed.LastError);
    }

    [Function("OutboxRelay")]
    public async Task OutboxRelayAsync(
        [TimerTrigger("%Hub__OutboxRelaySchedule%", RunOnStartup = true, UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        IReadOnlyList<string> relayed = await outbox.RelayAsync(OutboxDispatcher.DefaultRelayAge, new DurableStarter(client), ct);
        logger.LogInformation("Outbox relay handed {Relayed} left-behind commits to the retry orchestration.", relayed.Count);
    }
}
