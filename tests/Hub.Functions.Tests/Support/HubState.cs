using System.Globalization;
using Azure.Data.Tables;
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
    /// messages being handled, which are deleted only after their effects ran), and no orchestration is pending or
    /// running beyond <paramref name="pendingTimers"/> durable timers the test knows are waiting. Once idle, nothing the
    /// test caused can still arrive, so asserting "exactly N" afterwards cannot pass early.
    /// </summary>
    public static Task WaitForIdleAsync(TestHub hub, int pendingTimers = 0, TimeSpan? timeout = null)
    {
        WorkQueue work = hub.App.Services.GetRequiredService<WorkQueue>();
        DurableTaskClient client = hub.App.Services.GetRequiredService<DurableTaskClient>();
        var busy = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running] };
        return WaitUntilAsync(
            async () => await work.Queue.GetApproximateMessageCountAsync() == 0
                && await CountAsync(client.GetAllInstancesAsync(busy)) <= pendingTimers,
            timeout);
    }

    private static async Task<int> CountAsync<T>(IAsyncEnumerable<T> items)
    {
        int count = 0;
        await foreach (T _ in items)
        {
            count++;
        }

        return count;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; throws after the timeout (default 30 s).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
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
