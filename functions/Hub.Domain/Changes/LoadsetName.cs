using System.Text.Json.Serialization;
using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>
/// A build's name in the definitive software library (DESIGN 5.4):
/// <c>&lt;family&gt;-&lt;component&gt;-&lt;bin|cfg|neg&gt;-&lt;os|dev|stable|stale&gt;-&lt;NNN.NNN&gt;</c>, e.g. <c>map-portal-bin-stable-002.014</c>.
/// Family and component are letters, digits and '_' (a '-' would make the name ambiguous). In JSON it is its name.
/// </summary>
[JsonConverter(typeof(LoadsetNameJsonConverter))]
public sealed record LoadsetName(string Family, string Component, LoadsetKind Kind, LoadsetStatus Status, LoadsetVersion Version)
{
    public const int MaxPartLength = 64;

    [JsonIgnore]
    public bool IsStableBin => Kind == LoadsetKind.Bin && Status == LoadsetStatus.Stable;

    public override string ToString() =>
        $"{Family}-{Component}-{Kind.ToString().ToLowerInvariant()}-{Status.ToString().ToLowerInvariant()}-{Version}";

    /// <summary>The same build under another status (dev -> stable when STAGE vets it, stable -> stale when it is withdrawn).</summary>
    public LoadsetName As(LoadsetStatus status) => this with { Status = status };

    /// <summary>Builds a name, refusing parts that could not be parsed back ("family: ...").</summary>
    public static Result<LoadsetName> Create(string family, string component, LoadsetKind kind, LoadsetStatus status, LoadsetVersion version)
    {
        string? bad = CheckPart("family", family) ?? CheckPart("component", component)
            ?? (version.Major is < 0 or > 999 || version.Minor is < 0 or > 999 ? "version: both numbers from 0 to 999 (NNN.NNN)." : null);
        return bad is null ? Result<LoadsetName>.Ok(new LoadsetName(family, component, kind, status, version)) : Result<LoadsetName>.Rejected(bad);
    }

    /// <summary>Parses a loadset name; a refusal names the part that is wrong.</summary>
    public static Result<LoadsetName> Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string[] parts = name.Split('-');
        if (parts.Length != 5)
        {
            return Result<LoadsetName>.Rejected(
                $"loadset: '{name}' has {parts.Length} part(s); a loadset name has 5: <family>-<component>-<bin|cfg|neg>-<os|dev|stable|stale>-<NNN.NNN>.");
        }

        string? badName = CheckPart("family", parts[0]) ?? CheckPart("component", parts[1]);
        if (badName is not null)
        {
            return Result<LoadsetName>.Rejected(badName);
        }

        if (ParseEnum<LoadsetKind>(parts[2]) is not { } kind)
        {
            return Result<LoadsetName>.Rejected($"kind: '{parts[2]}' is not bin, cfg or neg.");
        }

        if (ParseEnum<LoadsetStatus>(parts[3]) is not { } status)
        {
            return Result<LoadsetName>.Rejected($"status: '{parts[3]}' is not os, dev, stable or stale.");
        }

        if (ParseVersion(parts[4]) is not { } version)
        {
            return Result<LoadsetName>.Rejected($"version: '{parts[4]}' is not NNN.NNN (three digits, a dot, three digits).");
        }

        return Result<LoadsetName>.Ok(new LoadsetName(parts[0], parts[1], kind, status, version));
    }

    private static string? CheckPart(string field, string value) =>
        string.IsNullOrEmpty(value) ? $"{field}: required."
        : value.Length > MaxPartLength ? $"{field}: at most {MaxPartLength} characters."
        : value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? null
        : $"{field}: '{value}' may hold only letters, digits and '_'.";

    // Lower case only, as the convention writes them: "Stable" or "1" are not a status.
    private static T? ParseEnum<T>(string value)
        where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => (T?)v).FirstOrDefault(v => string.Equals(v.ToString()!.ToLowerInvariant(), value, StringComparison.Ordinal));

    private static LoadsetVersion? ParseVersion(string value) =>
        value.Length == 7 && value[3] == '.' && value.Remove(3, 1).All(char.IsAsciiDigit)
            ? new LoadsetVersion(int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(value[4..], System.Globalization.CultureInfo.InvariantCulture))
            : null;
}

/// <summary>A loadset in JSON is the string of its name (<c>"map-portal-bin-stable-002.014"</c>); a malformed one is a JSON error naming the part.</summary>
public sealed class LoadsetNameJsonConverter : JsonConverter<LoadsetName>
{
    public override LoadsetName Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        Result<LoadsetName> parsed = LoadsetName.Parse(reader.GetString() ?? "");
        return parsed.Value ?? throw new System.Text.Json.JsonException(parsed.Reason);
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, LoadsetName value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.ToString());
    }
}
