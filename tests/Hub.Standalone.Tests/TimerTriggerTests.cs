using System.Globalization;
using Hub.Standalone.TestFunctions;

namespace Hub.Standalone.Tests;

public sealed class TimerTriggerTests
{
    [Fact]
    public async Task Tick_TwoHostsOneStopped_FiresEveryOccurrenceOnceAndHandsOver()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        Dictionary<string, string?> settings = TestHost.Settings(azurite, tickSchedule: "*/1 * * * * *");
        TestHost first = await TestHost.StartAsync(probe, settings);
        await using TestHost second = await TestHost.StartAsync(probe, settings);

        IReadOnlyList<string> beforeStop = await Poll.UntilAsync(() => probe.Of("tick"), t => t.Count >= 3, TimeSpan.FromSeconds(30));
        await first.DisposeAsync();
        int atStop = probe.Of("tick").Count;
        IReadOnlyList<string> ticks = await Poll.UntilAsync(() => probe.Of("tick"), t => t.Count >= atStop + 3, TimeSpan.FromSeconds(40));

        Assert.True(beforeStop.Count >= 3, $"only {beforeStop.Count} ticks before the stop");
        Assert.True(ticks.Count >= atStop + 3, $"only {ticks.Count - atStop} ticks after the stop");
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.All(ticks, t => Assert.Equal(0, DateTimeOffset.Parse(t, CultureInfo.InvariantCulture).Millisecond));
        Assert.Equal(ticks.Order(StringComparer.Ordinal), ticks);
    }

    [Fact]
    public async Task Startup_TwoHostsWithOneHostId_FiresOnceOnTime()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        Dictionary<string, string?> settings = TestHost.Settings(azurite);
        await using TestHost first = await TestHost.StartAsync(probe, settings, hostId: "shared" + settings["WorkQueue"]);
        await using TestHost second = await TestHost.StartAsync(probe, settings, hostId: "shared" + settings["WorkQueue"]);

        // The second host tries for the lease every 2 s: had it its own lock it would have fired within 10 s.
        IReadOnlyList<string> fired = await Poll.UntilAsync(() => probe.Of("startup"), f => f.Count > 1, TimeSpan.FromSeconds(10));

        Assert.Equal(["on-time"], fired);
    }

    [Fact]
    public async Task Startup_TwoHostsWithTheirOwnHostIds_EachFiresOnItsOwnLock()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        Dictionary<string, string?> settings = TestHost.Settings(azurite);
        await using TestHost first = await TestHost.StartAsync(probe, settings, hostId: "one" + settings["WorkQueue"]);
        await using TestHost second = await TestHost.StartAsync(probe, settings, hostId: "two" + settings["WorkQueue"]);

        IReadOnlyList<string> fired = await Poll.UntilAsync(() => probe.Of("startup"), f => f.Count >= 2, TimeSpan.FromSeconds(20));

        Assert.Equal(["on-time", "on-time"], fired);
    }
}
