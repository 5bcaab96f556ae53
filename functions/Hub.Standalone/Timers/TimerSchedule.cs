using System.Globalization;
using Cronos;

namespace Hub.Standalone.Timers;

/// <summary>A TimerTrigger schedule: six-field NCRONTAB (seconds first, as Functions uses) or a TimeSpan interval.</summary>
internal sealed class TimerSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan _interval;
    private readonly TimeZoneInfo _zone;

    private TimerSchedule(CronExpression? cron, TimeSpan interval, TimeZoneInfo zone)
    {
        _cron = cron;
        _interval = interval;
        _zone = zone;
    }

    public static TimerSchedule Parse(string expression, TimeZoneInfo zone)
    {
        string trimmed = expression.Trim();
        if (!trimmed.Contains(' ', StringComparison.Ordinal) && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out TimeSpan interval))
        {
            return interval > TimeSpan.Zero
                ? new TimerSchedule(null, interval, zone)
                : throw new FormatException($"The timer interval '{expression}' must be positive.");
        }

        int fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        CronFormat format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return new TimerSchedule(CronExpression.Parse(trimmed, format), TimeSpan.Zero, zone);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (_cron is null)
        {
            return after + _interval;
        }

        return _cron.GetNextOccurrence(after, _zone, inclusive: false)
            ?? throw new InvalidOperationException($"The schedule '{_cron}' has no occurrence after {after:O}.");
    }
}
