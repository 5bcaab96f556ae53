using System.Text.RegularExpressions;

namespace Hub.Functions.Configuration;

/// <summary>What names, addresses and setting names look like in the configuration document.</summary>
internal static partial class ConfigurationPatterns
{
    /// <summary>Time allowed to one match of a configured regular expression; the mail intake should use the same.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    // Prefixes of well-known secret formats: Standard Webhooks, Stripe-like, GitHub, GitLab, Slack, SendGrid, AWS.
    private static readonly string[] SecretPrefixes =
    [
        "whsec_", "sk_", "rk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "SG.", "AKIA",
        "Bearer ", "Basic ",
    ];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex Name();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")]
    public static partial Regex FieldName();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    public static partial Regex RouteSegment();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    public static partial Regex Address();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")]
    public static partial Regex LocalPart();

    [GeneratedRegex("^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$")]
    public static partial Regex Domain();

    /// <summary>An app setting name as Linux and Azure App Service accept it; sections are separated by "__".</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,127}$")]
    public static partial Regex SettingName();

    [GeneratedRegex("[A-Za-z0-9+/=_-]{20,}")]
    private static partial Regex TokenRun();

    /// <summary>
    /// True for a value that looks like a secret rather than the name of the setting holding it: a well-known secret
    /// prefix, base64 punctuation, or a run of 20+ characters without a "__" section break that mixes letters and digits.
    /// Setting names such as Hub__Secrets__AlertmanagerToken pass: their sections are words.
    /// </summary>
    public static bool LooksLikeSecret(string value)
    {
        if (SecretPrefixes.Any(p => value.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || value.IndexOfAny(['+', '/', '=']) >= 0)
        {
            return true;
        }

        return value.Split("__").Any(section =>
            (TokenRun().IsMatch(section) && section.Any(char.IsDigit) && section.Any(char.IsLetter)) || section.Length >= 40);
    }
}
