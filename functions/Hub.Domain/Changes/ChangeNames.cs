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
    /// Why <paramref name="version"/> would make a malformed tag or branch name ("version: ..."), or null. Beyond git's
    /// own rules the version must be a single path part: a '/' would file the tag under a directory of tags.
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

        string? problem = version.Contains('/', StringComparison.Ordinal) ? "contains '/'"
            : GitRefName.Problem(version)
            ?? GitRefName.Problem($"{TagPrefix}-{version}-20000101");
        return problem is null ? null : $"version: '{Printable(version)}' {problem}, which git refuses in a tag or branch name (git check-ref-format).";
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
