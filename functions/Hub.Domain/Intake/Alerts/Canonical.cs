using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Domain.Intake.Alerts;

/// <summary>An unambiguous text form of content, hashed with SHA-256. Every part is written as
/// "&lt;length&gt;:&lt;text&gt;;" so no choice of values can make two different contents read alike, and maps are written
/// in ordinal key order so the order a sender happens to emit them in does not matter.</summary>
internal sealed class Canonical
{
    private readonly StringBuilder _text = new();

    public Canonical Add(string? part)
    {
        part ??= "";
        _text.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append(';');
        return this;
    }

    public Canonical Add(DateTimeOffset? time) => Add(time is null ? null : Utc(time.Value));

    /// <summary>A time as UTC with all seven fraction digits, so one instant always reads the same.</summary>
    public static string Utc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public Canonical Add(IReadOnlyDictionary<string, string> map)
    {
        Add(map.Count.ToString(CultureInfo.InvariantCulture));
        foreach (string key in map.Keys.Order(StringComparer.Ordinal))
        {
            Add(key).Add(map[key]);
        }

        return this;
    }

    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_text.ToString())));
}
