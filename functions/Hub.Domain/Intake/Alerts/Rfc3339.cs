using System.Globalization;
using System.Text.RegularExpressions;

namespace Hub.Domain.Intake.Alerts;

/// <summary>RFC 3339 date-times as monitoring tools write them. Written by hand because Alertmanager sends nanoseconds
/// (nine fraction digits), more than the BCL's round-trip format takes.</summary>
internal static partial class Rfc3339
{
    // The offset may omit its colon ("+0000"): PagerDuty's own Events API example writes it that way.
    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        Match match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        int year = Number(match, 1), month = Number(match, 2), day = Number(match, 3);
        int hour = Number(match, 4), minute = Number(match, 5), second = Number(match, 6);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        // Ticks are 100 ns: keep the first seven fraction digits, drop the rest.
        string fraction = match.Groups[7].Value.PadRight(7, '0')[..7];
        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks
            + long.Parse(fraction, CultureInfo.InvariantCulture);

        TimeSpan offset = TimeSpan.Zero;
        if (!match.Groups[8].Success)
        {
            int offsetHours = Number(match, 10), offsetMinutes = Number(match, 11);
            if (offsetHours > 14 || offsetMinutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (match.Groups[9].Value == "-")
            {
                offset = -offset;
            }
        }

        long utcTicks = ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        value = new DateTimeOffset(new DateTime(ticks, DateTimeKind.Unspecified), offset);
        return true;
    }

    private static int Number(Match match, int group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);
}
