using System.Diagnostics;
using System.Globalization;
using Hub.Bench;

// Prints figures, asserts nothing: targets are compared by a person reading the output (docs/bench.md).
// Usage: Hub.Bench [storage] [durable] [intake] [releases] [incidents] [dashboard] [coldstart <hub-app-dir> <plain-app-dir>]
var scenarios = args.Length == 0 ? ["storage", "durable", "intake", "releases", "incidents", "dashboard"] : args.ToList();
Console.WriteLine($"# Integration Hub bench, {DateTimeOffset.UtcNow:u}, {Environment.ProcessorCount} cores");
var total = Stopwatch.StartNew();
for (int i = 0; i < scenarios.Count; i++)
{
    switch (scenarios[i])
    {
        case "storage":
            await StorageBench.RunAsync();
            break;
        case "durable":
            await DurableBench.RunAsync();
            break;
        case "intake":
            await IntakeBench.RunAsync();
            break;
        case "releases":
            await ReleaseBench.RunAsync();
            break;
        case "incidents":
            await IncidentBench.RunAsync();
            break;
        case "dashboard":
            await DashboardBench.RunAsync();
            break;
        case "coldstart":
            await ColdStartBench.RunAsync(scenarios[i + 1], scenarios[i + 2]);
            i += 2;
            break;
        default:
            Console.Error.WriteLine($"unknown scenario '{scenarios[i]}'");
            return 2;
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# done in {total.Elapsed.TotalSeconds:F1} s"));
return 0;
