using System.Globalization;
using Hub.Standalone.Timers;

namespace Hub.Standalone.Tests;

/// <summary>Schedules in a time zone follow its wall clock (Cronos's rules), as WEBSITE_TIME_ZONE does in Azure.</summary>
public sealed class TimerScheduleTests
{
    private static readonly TimeZoneInfo Zurich = TimeZoneInfo.FindSystemTimeZoneById("Europe/Zurich");

    [Theory]
    // Friday 6 November 2026, 09:00 in Zurich (08:00 UTC) -> Monday 9 November, 09:00 in Zurich.
    [InlineData("0 0 9 * * 1-5", "2026-11-06T08:00:00Z", "2026-11-09T08:00:00Z")]
    // Summer time: Monday 30 March 2026, 09:00 in Zurich is 07:00 UTC.
    [InlineData("0 0 9 * * 1-5", "2026-03-27T09:00:00Z", "2026-03-30T07:00:00Z")]
    // 02:30 does not exist on 2025-03-30: it fires once at the end of the gap, 03:00 CEST = 01:00Z
    [InlineData("0 30 2 * * *", "2025-03-29T12:00:00Z", "2025-03-30T01:00:00Z")]
    // 02:30 happens twice on 2025-10-26: it fires once, at the first (CEST) instance
    [InlineData("0 30 2 * * *", "2025-10-25T12:00:00Z", "2025-10-26T00:30:00Z")]
    [InlineData("0 30 2 * * *", "2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z")]
    // hourly across fall-back keeps firing every hour: 02:00 CEST (00:00Z), 02:00 CET (01:00Z), 03:00 CET (02:00Z)
    [InlineData("0 0 * * * *", "2025-10-26T00:00:00Z", "2025-10-26T01:00:00Z")]
    [InlineData("0 0 * * * *", "2025-10-26T01:00:00Z", "2025-10-26T02:00:00Z")]
    public void Next_ZurichCron_FollowsTheWallClockAcrossDst(string expression, string after, string expected)
    {
        TimerSchedule schedule = TimerSchedule.Parse(expression, Zurich);

        DateTimeOffset next = schedule.Next(DateTimeOffset.Parse(after, CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), next.ToUniversalTime());
    }

    [Fact]
    public void Next_TimeSpanSchedule_AddsTheInterval()
    {
        TimerSchedule schedule = TimerSchedule.Parse("00:05:00", Zurich);

        DateTimeOffset next = schedule.Next(new DateTimeOffset(2026, 3, 29, 0, 58, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 3, 0, TimeSpan.Zero), next);
    }
}
