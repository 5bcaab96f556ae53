using System.Globalization;
using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>
/// The names the manual prescribes: the tag <c>Release-&lt;version&gt;-&lt;yyyymmdd&gt;</c> recorded on entering TEST and the
/// branch <c>PROD-&lt;version&gt;-&lt;yyyymmdd&gt;</c> recorded on approval for production; the version is optional
/// (<c>Release-&lt;yyyymmdd&gt;</c>), and the date is the service's local date.
/// </summary>
public static class ChangeNames
{
    public const string TagPrefix = "Release";

    public const string BranchPrefix = "PROD";

    public const int MaxVersionLength = 64;

    public static string Tag(string? version, DateTimeOffset at, TimeZoneInfo zone) => Name(TagPrefix, version, at, zone);

    public static string Branch(string? version, DateTimeOffset at, TimeZoneInfo zone) => Name(BranchPrefix, version, at, zone);

    /// <summary>
    /// Why <paramref name="version"/> would make a malformed tag or branch name ("version: ..."), or null. The version
    /// must pass git's rules on its own (so no leading '-', no trailing '.' or '.lock', wherever it is placed) and be a
    /// single path part: a '/' would file the tag under a directory of tags.
    /// </summary>
    public static string? CheckVersion(string? version)
    {
        if (version is null)
        {
            return null;
        }

        if (version.Length == 0 || version.Length > MaxVersionLength)
        {
            return $"version: 1 to {MaxVersionLength} characters, or leave it out (the names are then Release-<yyyymmdd> and PROD-<yyyymmdd>).";
        }

        if (version.Contains('/', StringComparison.Ordinal))
        {
            return $"version: '{Printable(version)}' contains '/', which would file the tag and branch under a directory of refs; use '.', '-' or '_'.";
        }

        return GitRefName.Problem(version) is { } problem
            ? $"version: '{Printable(version)}' {problem}; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it."
            : null;
    }

    private static string Name(string prefix, string? version, DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        string date = TimeZoneInfo.ConvertTime(at, zone).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return version is null ? $"{prefix}-{date}" : $"{prefix}-{version}-{date}";
    }

    private static string Printable(string value) =>
        string.Concat(value.Select(c => c < ' ' || c == '\u007f' ? $"\\u{(int)c:x4}" : c.ToString()));
}
