using System.Globalization;
using System.Text;

namespace Hub.Domain.Changes;

/// <summary>
/// Renders calendar entries as an RFC 5545 iCalendar feed (text/calendar) people can subscribe to: one VEVENT per
/// entry with UID, DTSTAMP and DTSTART/DTEND in UTC, TEXT values escaped, lines folded at 75 octets, CRLF line ends.
/// </summary>
public static class ICalendar
{
    public const string MediaType = "text/calendar; charset=utf-8";

    /// <summary>RFC 5545 3.1: a content line is at most 75 octets, excluding its CRLF.</summary>
    public const int MaxLineOctets = 75;

    public static string Render(string name, IEnumerable<CalendarEvent> events, DateTimeOffset stamp)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(events);
        var ics = new StringBuilder();
        Line(ics, "BEGIN:VCALENDAR");
        Line(ics, "VERSION:2.0");
        Line(ics, "PRODID:-//Integration Hub//Change calendar//EN");
        Line(ics, "CALSCALE:GREGORIAN");
        Line(ics, "METHOD:PUBLISH");
        Line(ics, $"X-WR-CALNAME:{Escape(name)}");
        foreach (CalendarEvent e in events)
        {
            Line(ics, "BEGIN:VEVENT");
            Line(ics, $"UID:{Escape(e.Uid)}");
            Line(ics, $"DTSTAMP:{Utc(stamp)}");
            Line(ics, $"DTSTART:{Utc(e.Start)}");
            Line(ics, $"DTEND:{Utc(e.End)}");
            Line(ics, $"SUMMARY:{Escape(e.Summary)}");
            if (!string.IsNullOrEmpty(e.Description))
            {
                Line(ics, $"DESCRIPTION:{Escape(e.Description)}");
            }

            Line(ics, "END:VEVENT");
        }

        Line(ics, "END:VCALENDAR");
        return ics.ToString();
    }

    /// <summary>RFC 5545 3.3.11: backslash, semicolon and comma are escaped; a line break becomes \n.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\\' or ';' or ',':
                    escaped.Append('\\').Append(c);
                    break;
                case '\r':
                    escaped.Append("\\n");
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                case '\n':
                    escaped.Append("\\n");
                    break;
                default:
                    // Other control characters are not allowed in TEXT values (RFC 5545 3.3.11); a tab is.
                    escaped.Append(char.IsControl(c) && c != '\t' ? ' ' : c);
                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// RFC 5545 3.1 folding: after at most 75 octets, CRLF and one space, which counts towards the next line's 75.
    /// A UTF-8 sequence (or a surrogate pair) is never split.
    /// </summary>
    public static string Fold(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var folded = new StringBuilder(line.Length + 8);
        int octets = 0;
        int i = 0;
        while (i < line.Length)
        {
            int width = char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(line.AsSpan(i, width));
            if (octets + size > MaxLineOctets)
            {
                folded.Append("\r\n ");
                octets = 1;
            }

            folded.Append(line, i, width);
            octets += size;
            i += width;
        }

        return folded.ToString();
    }

    private static void Line(StringBuilder ics, string line) => ics.Append(Fold(line)).Append("\r\n");

    private static string Utc(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
