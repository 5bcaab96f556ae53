using System.Diagnostics;
using Hub.Testing;

namespace Hub.Bench;

internal static class DurableBench
{
    public static async Task RunAsync()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        const int hot = 1000;
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, hot), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await harness.Counter.HandleAsync("hot", $"hot-{i}", new Increment(1), "bench", ct));
        Report.Rate("durable commands, one hot aggregate (8 writers)", hot, sw.Elapsed, "commands", ">= 100/s");

        const int spread = 3000;
        sw.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, spread), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await harness.Counter.HandleAsync($"agg-{i % 1000}", $"spread-{i}", new Increment(1), "bench", ct));
        Report.Rate("durable commands, across 1,000 aggregates (32)", spread, sw.Elapsed, "commands", ">= 500/s");
    }
}
