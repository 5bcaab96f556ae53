namespace Hub.Functions.Triggers.Timer;

/// <summary>
/// A six-field NCRONTAB schedule <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, evaluated in a time zone.
/// As in NCrontab, day and day-of-week must both match. Around daylight-saving changes the schedule follows the wall
/// clock: a time skipped by spring-forward fires once at the end of the gap, a time repeated by fall-back fires once
/// (at its first, daylight, instance).
/// </summary>
public sealed class CronSchedule : TimerSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly string[] FieldNames = ["second", "minute", "hour", "day", "month", "day-of-week"];

    // Feb 29 on a given weekday recurs within 28 years (plus a skipped century leap year).
    private const int SearchYears = 40;

    private readonly CronField _second, _minute, _hour, _day, _month, _dayOfWeek;

    private CronSchedule(string expression, TimeZoneInfo timeZone, CronField[] fields)
    {
        Expression = expression;
        TimeZone = timeZone;
        (_second, _minute, _hour, _day, _month, _dayOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    public string Expression { get; }

    public TimeZoneInfo TimeZone { get; }

    public static new CronSchedule Parse(string expression, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(timeZone);
        string[] parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException(
                $"expected six fields '{{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}', found {parts.Length}.");
        }

        CronField[] fields =
        [
            CronField.Parse(parts[0], FieldNames[0], 0, 59),
            CronField.Parse(parts[1], FieldNames[1], 0, 59),
            CronField.Parse(parts[2], FieldNames[2], 0, 23),
            CronField.Parse(parts[3], FieldNames[3], 1, 31),
            CronField.Parse(parts[4], FieldNames[4], 1, 12, MonthNames),
            CronField.Parse(parts[5], FieldNames[5], 0, 6, DayNames),
        ];

        int[] longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if (!fields[4].From(1).Any(month => fields[3].From(1).Any(day => day <= longest[month - 1])))
        {
            throw new FormatException($"day field '{parts[3]}' never occurs in month field '{parts[4]}'.");
        }

        return new CronSchedule(string.Join(' ', parts), timeZone, fields);
    }

    public override DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        DateTime wall = TimeZoneInfo.ConvertTime(after, TimeZone).DateTime;
        DateTime start = new DateTime(wall.Year, wall.Month, wall.Day, wall.Hour, wall.Minute, wall.Second, DateTimeKind.Unspecified).AddSeconds(1);
        foreach (DateTime candidate in WallClockCandidates(start))
        {
            DateTimeOffset instant = ToInstant(candidate);
            // Skipped and repeated wall-clock times can map at or before 'after'; those occurrences already happened.
            if (instant > after)
            {
                return instant;
            }
        }

        return null;
    }

    public override string ToString() => Expression;

    private IEnumerable<DateTime> WallClockCandidates(DateTime start)
    {
        for (int year = start.Year; year <= start.Year + SearchYears && year <= 9999; year++)
        {
            bool sameYear = year == start.Year;
            foreach (int month in _month.From(sameYear ? start.Month : 1))
            {
                bool sameMonth = sameYear && month == start.Month;
                foreach (int day in _day.From(sameMonth ? start.Day : 1))
                {
                    if (day > DateTime.DaysInMonth(year, month)
                        || !_dayOfWeek.Contains((int)new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified).DayOfWeek))
                    {
                        continue;
                    }

                    bool sameDay = sameMonth && day == start.Day;
                    foreach (int hour in _hour.From(sameDay ? start.Hour : 0))
                    {
                        bool sameHour = sameDay && hour == start.Hour;
                        foreach (int minute in _minute.From(sameHour ? start.Minute : 0))
                        {
                            bool sameMinute = sameHour && minute == start.Minute;
                            foreach (int second in _second.From(sameMinute ? start.Second : 0))
                            {
                                yield return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
                            }
                        }
                    }
                }
            }
        }
    }

    private DateTimeOffset ToInstant(DateTime wall)
    {
        if (TimeZone.IsInvalidTime(wall))
        {
            return EndOfGap(wall);
        }

        // A repeated wall-clock time has two offsets; the larger (daylight) one is the earlier instant.
        TimeSpan offset = TimeZone.IsAmbiguousTime(wall) ? TimeZone.GetAmbiguousTimeOffsets(wall).Max() : TimeZone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset);
    }

    private DateTimeOffset EndOfGap(DateTime wall)
    {
        TimeSpan before = TimeZone.GetUtcOffset(wall.AddHours(-6));
        TimeSpan afterGap = TimeZone.GetUtcOffset(wall.AddHours(6));
        // Search the instants between (wall - afterGap) and (wall - before) for the first one whose wall clock is past
        // 'wall': that is where the clocks jumped.
        long low = (wall - afterGap).Ticks, high = (wall - before).Ticks;
        while (high - low > TimeSpan.TicksPerSecond)
        {
            long mid = low + ((high - low) / 2);
            DateTime local = TimeZoneInfo.ConvertTimeFromUtc(new DateTime(mid, DateTimeKind.Utc), TimeZone);
            if (local > wall)
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        var utc = new DateTime(high - (high % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        if (TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZone) <= wall)
        {
            utc = utc.AddSeconds(1);
        }

        return new DateTimeOffset(utc).ToOffset(TimeZone.GetUtcOffset(utc));
    }
}
