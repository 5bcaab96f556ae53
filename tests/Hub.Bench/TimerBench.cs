using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Storage.Tables;
using Hub.Testing;

namespace Hub.Bench;

internal static class TimerBench
{
    public static async Task RunAsync()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        const int timers = 1000;
        DateTimeOffset due = DateTimeOffset.UtcNow.AddSeconds(15);
        await Parallel.ForEachAsync(Enumerable.Range(0, timers), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await harness.Counter.HandleAsync($"timer-{i}", "set", new SetAlarm("due", due), "bench", ct));
        if (DateTimeOffset.UtcNow > due)
        {
            Report.Line("durable timers", "setting 1,000 timers took longer than 15 s; lateness not measured");
            return;
        }

        // Two pollers that keep receiving while earlier messages wait for their due time, up to 256 in flight.
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var slots = new SemaphoreSlim(256);
        int done = 0;
        var inFlight = new System.Collections.Concurrent.ConcurrentBag<Task>();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref done) < timers && !stop.IsCancellationRequested)
            {
                await slots.WaitAsync(stop.Token);
                slots.Release();
                QueueMessage[] batch = await harness.Queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), stop.Token);
                if (batch.Length == 0)
                {
                    await Task.Delay(50, stop.Token);
                    continue;
                }

                foreach (var m in batch)
                {
                    await slots.WaitAsync(stop.Token);
                    inFlight.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await harness.Dispatcher.HandleAsync(m.Body.ToString(), m.DequeueCount, harness.Orchestrations, stop.Token);
                            await harness.Queue.TryDeleteMessageAsync(m.MessageId, m.PopReceipt, stop.Token);
                            Interlocked.Increment(ref done);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }));
                }
            }
        })));
        await Task.WhenAll(inFlight);

        var lateness = new List<double>();
        await foreach (TableEntity e in harness.Table.QueryAsync<TableEntity>("Type eq 'Rang'", select: ["At"]))
        {
            lateness.Add((e.GetDateTimeOffset("At")!.Value - due).TotalMilliseconds);
        }

        lateness.Sort();
        Report.Line(
            "durable timers, 1,000 due in the same second",
            $"fired {lateness.Count}; lateness p50 {Report.Percentile(lateness, 50):F0} ms, p99 {Report.Percentile(lateness, 99):F0} ms, max {lateness.LastOrDefault():F0} ms",
            "p99 <= 1000 ms");
    }
}
