using Hub.Functions.Triggers.Timer;

namespace Hub.Functions.Tests.Triggers;

/// <summary>Timer schedules as function.json gives them: NCRONTAB (evaluated by Cronos) or a TimeSpan.</summary>
public sealed class CronScheduleTests
{
    private static readonly TimeZoneInfo Zurich = TimeZoneInfo.FindSystemTimeZoneById("Europe/Zurich");

    [Theory]
    // every five minutes
    [InlineData("0 */5 * * * *", "2025-01-15T10:02:30Z", "2025-01-15T10:05:00Z")]
    [InlineData("0 */5 * * * *", "2025-01-15T10:05:00Z", "2025-01-15T10:10:00Z")]
    // weekdays at 09:00, by name and by number; 2025-01-17 is a Friday, 2025-01-20 a Monday
    [InlineData("0 0 9 * * MON-FRI", "2025-01-17T09:00:00Z", "2025-01-20T09:00:00Z")]
    [InlineData("0 0 9 * * 1-5", "2025-01-18T12:00:00Z", "2025-01-20T09:00:00Z")]
    // every 15 seconds
    [InlineData("*/15 * * * * *", "2025-01-15T10:00:44Z", "2025-01-15T10:00:45Z")]
    // a stepped range: hours 8 and 10
    [InlineData("0 30 8-10/2 * * *", "2025-01-15T08:30:00Z", "2025-01-15T10:30:00Z")]
    // lists in hour and day
    [InlineData("0 0 0,12 1,15 * *", "2025-01-15T12:00:00Z", "2025-02-01T00:00:00Z")]
    // month and day names: the first Sunday of January or July after February is 2025-07-06
    [InlineData("0 0 12 * JAN,JUL SUN", "2025-02-01T00:00:00Z", "2025-07-06T12:00:00Z")]
    // "a/n" runs from a to the end of the field
    [InlineData("0 50/5 * * * *", "2025-01-15T10:56:00Z", "2025-01-15T11:50:00Z")]
    // the 31st skips the months without one
    [InlineData("0 0 0 31 * *", "2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z")]
    // Feb 29 waits for the next leap year; on a Monday it waits for 2044 (day AND day-of-week, as NCrontab)
    [InlineData("0 0 0 29 2 *", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 0 0 29 FEB MON", "2025-01-01T00:00:00Z", "2044-02-29T00:00:00Z")]
    // the end of a year
    [InlineData("59 59 23 31 12 *", "2025-06-01T00:00:00Z", "2025-12-31T23:59:59Z")]
    // 7 is Sunday too (2025-01-05 is a Sunday)
    [InlineData("0 0 0 * * 7", "2025-01-01T00:00:00Z", "2025-01-05T00:00:00Z")]
    // a descending range wraps around: hours 22, 23, 0 and 1
    [InlineData("0 0 22-1 * * *", "2025-01-15T01:00:00Z", "2025-01-15T22:00:00Z")]
    [InlineData("0 0 22-1 * * *", "2025-01-15T23:00:00Z", "2025-01-16T00:00:00Z")]
    // extra spaces between fields are one separator
    [InlineData("0  0 9  * * *", "2025-01-15T09:00:00Z", "2025-01-16T09:00:00Z")]
    public void NextAfter_Utc_ReturnsExpectedOccurrence(string expression, string after, string expected)
    {
        TimerSchedule schedule = TimerSchedule.Parse(expression, TimeZoneInfo.Utc);

        DateTimeOffset? next = schedule.NextAfter(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Theory]
    // 09:00 local is 08:00Z in winter (CET, +1) and 07:00Z in summer (CEST, +2); clocks go forward on 2025-03-30
    [InlineData("0 0 9 * * *", "2025-03-29T08:00:00Z", "2025-03-30T07:00:00Z")]
    // 02:30 does not exist on 2025-03-30: it fires once at the end of the gap, 03:00 CEST = 01:00Z
    [InlineData("0 30 2 * * *", "2025-03-29T12:00:00Z", "2025-03-30T01:00:00Z")]
    [InlineData("0 30 2 * * *", "2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z")]
    // 02:30 happens twice on 2025-10-26: it fires once, at the first (CEST) instance
    [InlineData("0 30 2 * * *", "2025-10-25T12:00:00Z", "2025-10-26T00:30:00Z")]
    [InlineData("0 30 2 * * *", "2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z")]
    // hourly across fall-back keeps firing every hour: 02:00 CEST (00:00Z), 02:00 CET (01:00Z), 03:00 CET (02:00Z)
    [InlineData("0 0 * * * *", "2025-10-26T00:00:00Z", "2025-10-26T01:00:00Z")]
    [InlineData("0 0 * * * *", "2025-10-26T01:00:00Z", "2025-10-26T02:00:00Z")]
    // a fixed time in the repeated hour fires once even with a step elsewhere: 02:15 CEST (00:15Z), then the next day
    [InlineData("0 15 2 */1 * *", "2025-10-26T00:15:00Z", "2025-10-27T01:15:00Z")]
    // every 5 minutes across spring-forward: 01:55 CET (00:55Z), then 03:00 CEST (01:00Z)
    [InlineData("0 */5 * * * *", "2025-03-30T00:55:00Z", "2025-03-30T01:00:00Z")]
    public void NextAfter_EuropeZurich_FollowsTheWallClockAcrossDst(string expression, string after, string expected)
    {
        TimerSchedule schedule = TimerSchedule.Parse(expression, Zurich);

        DateTimeOffset? next = schedule.NextAfter(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Theory]
    [InlineData("00:00:30", "2025-01-15T10:00:10Z", "2025-01-15T10:00:40Z")]
    [InlineData("01:00:00", "2025-01-15T23:30:00Z", "2025-01-16T00:30:00Z")]
    [InlineData("1.00:00:00", "2025-01-15T10:00:00Z", "2025-01-16T10:00:00Z")]
    public void NextAfter_TimeSpanSchedule_AddsTheInterval(string expression, string after, string expected)
    {
        TimerSchedule schedule = TimerSchedule.Parse(expression, Zurich);

        DateTimeOffset? next = schedule.NextAfter(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.IsType<IntervalSchedule>(schedule);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Theory]
    [InlineData("0 0 25 * * *", "Hours: Value must be a number between 0 and 23")]
    [InlineData("0 60 * * * *", "Minutes: Value must be a number between 0 and 59")]
    [InlineData("*/0 * * * * *", "Seconds: Value must be a number between 1 and 59")]
    [InlineData("0 0 0 * FOO *", "Months: Value must be a number between 1 and 12")]
    [InlineData("0 0 0 * * 8", "Days of week: Value must be a number between 0 and 7")]
    [InlineData("0 0 0 0 * *", "Days of month: Value must be a number between 1 and 31")]
    [InlineData("0 0 0 30 2 *", "day field '30' never occurs in month field '2'")]
    [InlineData("0 0 0 31 4,6 *", "day field '31' never occurs in month field '4,6'")]
    [InlineData("0 0 * * *", "expected six fields")]
    [InlineData("0 0 0 * * * *", "expected six fields")]
    [InlineData("0 0,,5 * * * *", "Minutes: Value must be a number between 0 and 59")]
    [InlineData("00:00:00", "greater than zero")]
    [InlineData("every minute", "expected six fields")]
    [InlineData("soon", "expected six NCRONTAB fields")]
    public void Parse_InvalidExpression_NamesTheFieldAndProblem(string expression, string expectedMessage)
    {
        FormatException error = Assert.ThrowsAny<FormatException>(() => TimerSchedule.Parse(expression, TimeZoneInfo.Utc));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }
}
