using System.Globalization;
using System.Net;
using Azure.Storage.Queues;
using Hub.Standalone.TestFunctions;

namespace Hub.Standalone.Tests;

public sealed class StorageOutageTests
{
    private const string QueueListenerCategory = "Hub.Standalone.Queues";
    private const string TimerRunnerCategory = "Hub.Standalone.Timers";

    [Fact]
    public async Task Host_StorageDownThenBack_KeepsServingAndItsQueueListenerAndTimerResume()
    {
        // A private one: stopping the shared one would fail every other test of the run.
        await using Azurite azurite = await Azurite.StartAsync();
        var probe = new Probe();
        Dictionary<string, string?> settings = TestHost.Settings(azurite, tickSchedule: "*/1 * * * * *");
        var queue = new QueueClient(azurite.ConnectionString, settings["WorkQueue"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var warnings = new WarningCounter();
        await using TestHost host = await TestHost.StartAsync(probe, settings, warnings);
        using var http = new HttpClient { BaseAddress = host.Address };
        await Poll.UntilAsync(() => probe.Of("tick"), t => t.Count > 0, TimeSpan.FromSeconds(30));

        azurite.Stop();
        // The outage lasts until the queue listener and the timer have each failed (after the storage client's own
        // retries) and logged that they will try again: each loop has met the outage and carried on.
        int queueBefore = warnings.Of(QueueListenerCategory), timerBefore = warnings.Of(TimerRunnerCategory);
        (int Queue, int Timer) failed = await Poll.UntilAsync(
            () => (warnings.Of(QueueListenerCategory) - queueBefore, warnings.Of(TimerRunnerCategory) - timerBefore),
            f => f.Item1 >= 1 && f.Item2 >= 1,
            TimeSpan.FromSeconds(40));
        bool stoppedDuringOutage = host.App.Lifetime.ApplicationStopping.IsCancellationRequested;
        await azurite.RestartAsync();
        DateTimeOffset restarted = DateTimeOffset.UtcNow;
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("""{"id":"after-outage","fail":false}""");
        IReadOnlyList<string> done = await Poll.UntilAsync(() => probe.Of("work-done"), d => d.Count > 0, TimeSpan.FromSeconds(40));
        IReadOnlyList<string> ticks = await Poll.UntilAsync(
            () => probe.Of("tick"),
            t => t.Any(tick => DateTimeOffset.Parse(tick, CultureInfo.InvariantCulture) > restarted),
            TimeSpan.FromSeconds(40));
        HttpResponseMessage response = await http.GetAsync(new Uri("/api/items/1", UriKind.Relative));

        Assert.True(failed.Queue >= 1 && failed.Timer >= 1, $"during the outage the listener failed {failed.Queue} times, the timer {failed.Timer}");
        Assert.False(stoppedDuringOutage);
        Assert.False(host.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(["after-outage"], done);
        Assert.Contains(ticks, tick => DateTimeOffset.Parse(tick, CultureInfo.InvariantCulture) > restarted);
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
