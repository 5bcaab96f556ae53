using Cronos;

namespace Hub.Functions.Triggers.Timer;

/// <summary>
/// A six-field NCRONTAB schedule <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, parsed and evaluated by
/// Cronos in a time zone. Around daylight-saving changes Cronos follows the wall clock: a time skipped by
/// spring-forward fires once at the end of the gap; in the hour repeated by fall-back a fixed time fires once (at its
/// first, daylight, instance) while an interval (<c>*</c> or a step in second, minute or hour) keeps its pace.
/// </summary>
public sealed class CronTimerSchedule : TimerSchedule
{
    private readonly CronExpression _cron;

    private CronTimerSchedule(string expression, CronExpression cron, TimeZoneInfo timeZone)
    {
        Expression = expression;
        _cron = cron;
        TimeZone = timeZone;
    }

    public string Expression { get; }

    public TimeZoneInfo TimeZone { get; }

    public static new CronTimerSchedule Parse(string expression, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(timeZone);
        string[] parts = expression.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            // Cronos would report the first character it did not expect; the field count is what is wrong.
            throw new FormatException(
                $"expected six fields '{{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}', found {parts.Length}.");
        }

        string text = string.Join(' ', parts);
        // CronFormatException is a FormatException naming the field ("Hours: Value must be a number between 0 and 23").
        CronExpression cron = CronExpression.Parse(text, CronFormat.IncludeSeconds);

        // Cronos accepts a day that no month in the expression has (30 February) and then never fires.
        if (cron.GetNextOccurrence(DateTime.UnixEpoch) is null)
        {
            throw new FormatException($"day field '{parts[3]}' never occurs in month field '{parts[4]}'.");
        }

        return new CronTimerSchedule(text, cron, timeZone);
    }

    public override DateTimeOffset? NextAfter(DateTimeOffset after) => _cron.GetNextOccurrence(after, TimeZone);

    public override string ToString() => Expression;
}
