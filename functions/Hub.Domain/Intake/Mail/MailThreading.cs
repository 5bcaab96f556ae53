using System.Globalization;
using System.Text.RegularExpressions;

namespace Hub.Domain.Intake.Mail;

/// <summary>How replies find their ticket: the "[hub #123]" subject tag, and the header that marks the hub's own mail.</summary>
public static partial class MailThreading
{
    /// <summary>Set on every mail the hub sends; an inbound mail carrying it is the hub talking to itself.</summary>
    public const string LoopHeader = "X-Hub-Loop";

    /// <summary>The ticket number of the first "[hub #N]" tag anywhere in <paramref name="subject"/>, case-insensitive.</summary>
    public static long? TicketTag(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (Match match in TagPattern().Matches(subject))
        {
            // A number too long for a long is not one of our tickets; keep looking.
            if (long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            {
                return number;
            }
        }

        return null;
    }

    /// <summary>
    /// "[hub #N] subject". A subject already tagged for this ticket is returned unchanged (a reply to a reply must
    /// not read "[hub #N] Re: [hub #N] ..."); a tag for another ticket stays, after ours.
    /// </summary>
    public static string Tag(long number, string subject)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentNullException.ThrowIfNull(subject);
        foreach (Match match in TagPattern().Matches(subject))
        {
            if (long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long existing) && existing == number)
            {
                return subject;
            }
        }

        string tag = string.Create(CultureInfo.InvariantCulture, $"[hub #{number}]");
        string rest = subject.Trim();
        return rest.Length == 0 ? tag : $"{tag} {rest}";
    }

    [GeneratedRegex(@"\[\s*hub\s*#\s*(\d+)\s*\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
