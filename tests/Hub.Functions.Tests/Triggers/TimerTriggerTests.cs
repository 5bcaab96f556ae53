using Hub.Functions.Functions;
using Hub.Functions.Tests.Support;
using Hub.Testing;

namespace Hub.Functions.Tests.Triggers;

/// <summary>Standalone mode: timer triggers run by the hub, once per occurrence across instances.</summary>
public sealed class TimerTriggerTests
{
    [Fact]
    public async Task Runner_RunOnStartup_FiresOnceWhenTheHubStarts()
    {
        string root = TestFunctions.Create(TestFunctions.FastQueuesHostJson, ("Tick", TestFunctions.Timer("0 0 0 1 1 *", runOnStartup: true)));
        var handler = new RecordingHandler("Tick");

        await using TestHub hub = await TestHub.StartAsync(
            new Dictionary<string, string?> { ["Hub__FunctionsRoot"] = root },
            services => services.AddFunctionHandler(handler));
        await handler.WaitForAsync(1, TimeSpan.FromSeconds(15));

        FunctionInvocation invocation = Assert.Single(handler.Invocations);
        Assert.Equal(TriggerKind.Timer, invocation.Trigger);
        Assert.Equal(InvocationSource.Runner, invocation.Source);
        Assert.False(invocation.Timer!.IsPastDue);
        Assert.Equal("0 0 0 1 1 *", invocation.Timer.Schedule);
    }

    [Fact]
    public async Task Runners_TwoHostsEverySecondWithLeaseHandoff_FireEachOccurrenceExactlyOnce()
    {
        string root = TestFunctions.Create(TestFunctions.FastQueuesHostJson, ("Tick", TestFunctions.Timer("* * * * * *")));
        string hostId = Azurite.UniqueName("h");
        var settings = new Dictionary<string, string?>
        {
            ["Hub__FunctionsRoot"] = root,
            ["Hub__HostId"] = hostId,
            ["Hub__TimerLeaseDuration"] = "00:00:15",
            ["Hub__TimerLeaseRenewInterval"] = "00:00:05",
            ["Hub__TimerLeaseRetryInterval"] = "00:00:00.250",
        };
        var first = new RecordingHandler("Tick");
        var second = new RecordingHandler("Tick");
        await using TestHub a = await TestHub.StartAsync(settings, services => services.AddFunctionHandler(first));
        await using TestHub b = await TestHub.StartAsync(settings, services => services.AddFunctionHandler(second));

        await WaitUntilAsync(() => first.Invocations.Count + second.Invocations.Count >= 2);
        // Stop whichever instance holds the schedule; the other must take over without repeating an occurrence.
        bool firstHolds = !first.Invocations.IsEmpty;
        await (firstHolds ? a : b).StopAsync();
        RecordingHandler taker = firstHolds ? second : first;
        await WaitUntilAsync(() => taker.Invocations.Count >= 2);
        await a.StopAsync();
        await b.StopAsync();

        DateTimeOffset[] occurrences = first.Invocations.Concat(second.Invocations).Select(i => i.Timer!.ScheduleStatus!.Last).ToArray();
        Assert.True(occurrences.Length >= 3, $"only {occurrences.Length} occurrences fired");
        Assert.Equal(occurrences.Length, occurrences.Distinct().Count());
        Assert.NotEmpty(first.Invocations);
        Assert.NotEmpty(second.Invocations);
        Assert.All(occurrences, o => Assert.Equal(0, o.Millisecond));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The timer did not fire in time.");
            }

            await Task.Delay(50);
        }
    }
}
