using System.Globalization;

namespace Hub.Functions.Triggers.Timer;

/// <summary>
/// A timer trigger's schedule: a six-field NCRONTAB expression (evaluated by Cronos) or a constant "hh:mm:ss"
/// interval, as Azure Functions allows. https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
/// </summary>
public abstract class TimerSchedule
{
    /// <summary>The first occurrence strictly after <paramref name="after"/>; null when there is none.</summary>
    public abstract DateTimeOffset? NextAfter(DateTimeOffset after);

    /// <summary>Parses an expression; a <see cref="FormatException"/> (or Cronos' subclass) names the field and the problem.</summary>
    public static TimerSchedule Parse(string expression, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(expression);
        string text = expression.Trim();
        // A TimeSpan has no spaces; an NCRONTAB expression has five.
        if (!text.Contains(' ', StringComparison.Ordinal))
        {
            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan interval))
            {
                return interval > TimeSpan.Zero
                    ? new IntervalSchedule(interval)
                    : throw new FormatException("a TimeSpan schedule must be greater than zero.");
            }

            throw new FormatException("expected six NCRONTAB fields '{second} {minute} {hour} {day} {month} {day-of-week}' or a TimeSpan 'hh:mm:ss'.");
        }

        return CronTimerSchedule.Parse(text, timeZone);
    }
}
