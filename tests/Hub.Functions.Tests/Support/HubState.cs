using System.Globalization;
using Azure.Data.Tables;
using Hub.Functions.Durable;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Storage.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Support;

/// <summary>What a test hub has stored, and waiting for it: shared by the intake and API tests.</summary>
internal static class HubState
{
    /// <summary>The numbers of every ticket the hub has created.</summary>
    public static async Task<long[]> TicketNumbersAsync(TestHub hub)
    {
        TableClient table = hub.App.Services.GetRequiredService<AggregateStore>().Table;
        var numbers = new List<long>();
        try
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>("PartitionKey ge 'ticket:' and PartitionKey lt 'ticket;' and RowKey eq 'state'", select: ["PartitionKey"]))
            {
                numbers.Add(long.Parse(row.PartitionKey["ticket:".Length..], CultureInfo.InvariantCulture));
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.ErrorCode == "TableNotFound")
        {
            // The hub creates its table on first use: a hub that stored nothing has no tickets.
        }

        return [.. numbers];
    }

    /// <summary>
    /// Waits until the hub has no work left: the work queue holds no message, visible or not (the count includes
    /// messages being handled, which are deleted only after their effects ran), no effect is being retried and no
    /// durable timer that is due has yet fired. Once idle, nothing the test caused can still arrive, so asserting
    /// "exactly N" afterwards cannot pass early. Timers that are not yet due are left waiting.
    /// </summary>
    public static Task WaitForIdleAsync(TestHub hub, TimeSpan? timeout = null) => WaitUntilAsync(() => IsIdleAsync(hub, retries: true), timeout);

    /// <summary>
    /// Waits until the effects of what the test did have had their first try: as <see cref="WaitForIdleAsync"/>, except
    /// that an effect being retried (a connector that is down) does not count as work left.
    /// </summary>
    public static Task WaitForEffectsAsync(TestHub hub, TimeSpan? timeout = null) => WaitUntilAsync(() => IsIdleAsync(hub, retries: false), timeout);

    private static async Task<bool> IsIdleAsync(TestHub hub, bool retries)
    {
        if (await hub.App.Services.GetRequiredService<WorkQueue>().Queue.GetApproximateMessageCountAsync() > 0)
        {
            return false;
        }

        DurableTaskClient client = hub.App.Services.GetRequiredService<DurableTaskClient>();
        var busy = new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running],
            FetchInputsAndOutputs = true,
        };
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await foreach (OrchestrationMetadata instance in client.GetAllInstancesAsync(busy))
        {
            bool waiting = WorkflowTimerFunctions.Names.Contains(instance.Name) && instance.ReadInputAs<AggregateTimer>()!.FireAt > now;
            bool retrying = instance.Name == EffectsRetry.Orchestrator;
            if (!waiting && (retries || !retrying))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every 100 ms until it holds; throws after the timeout (default 90 s: what the
    /// hub does in seconds can take a minute on two cores shared with the rest of the suite).
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met in time.");
            }

            await Task.Delay(100);
        }
    }
}
