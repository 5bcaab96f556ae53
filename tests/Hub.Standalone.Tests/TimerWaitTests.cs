using Hub.Standalone.Timers;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Standalone.Tests;

/// <summary>A timer waits for its next occurrence however far off it is (Task.Delay alone refuses over 49.7 days).</summary>
public sealed class TimerWaitTests
{
    [Fact]
    public async Task WaitUntil_OccurrenceSixtyDaysAhead_WaitsAndEndsAtItsTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 3, 7, 0, 0, TimeSpan.Zero));
        DateTimeOffset due = time.GetUtcNow().AddDays(60);

        Task waiting = TimerRunner.WaitUntilAsync(due, time, CancellationToken.None);
        bool failedAtOnce = waiting.IsFaulted;
        for (int day = 1; day < 60; day++)
        {
            time.Advance(TimeSpan.FromDays(1));
        }

        time.Advance(TimeSpan.FromHours(23));
        bool doneAnHourEarly = waiting.IsCompleted;
        time.Advance(TimeSpan.FromHours(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(failedAtOnce);
        Assert.False(doneAnHourEarly);
        Assert.True(waiting.IsCompletedSuccessfully);
    }
}
