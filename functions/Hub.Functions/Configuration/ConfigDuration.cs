using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace Hub.Functions.Configuration;

/// <summary>
/// Durations in the domain configuration: the short forms "90s", "15m", "4h", "2d", a TimeSpan "hh:mm:ss", or an
/// ISO 8601 duration ("PT15M", "P1DT12H"). One parser, so a section never refuses a form another accepts.
/// </summary>
public static partial class ConfigDuration
{
    /// <summary>The forms, for error messages.</summary>
    public const string Forms = "90s, 15m, 4h, 2d, hh:mm:ss or ISO 8601 such as PT15M";

    /// <summary>The duration <paramref name="text"/> names, or null when it is none of the forms (sign and range are the caller's rules).</summary>
    public static TimeSpan? Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        Match match = ShortForm().Match(text);
        if (match.Success)
        {
            double amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        if (TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out TimeSpan parsed))
        {
            return parsed;
        }

        if (text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                return XmlConvert.ToTimeSpan(text);
            }
            catch (FormatException)
            {
                return null;
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(s|m|h|d)$")]
    private static partial Regex ShortForm();
}
