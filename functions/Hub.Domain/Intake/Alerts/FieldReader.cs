using System.Text.Json;

namespace Hub.Domain.Intake.Alerts;

/// <summary>Reads fields of a parsed body and collects every field-level error instead of stopping at the first, so a
/// sender sees all of its mistakes in one answer.</summary>
internal sealed class FieldReader
{
    // A 1,000-alert body with the same mistake in each alert would otherwise produce a problem document of megabytes.
    public const int MaxErrors = 50;

    private readonly List<AlertParseError> _errors = [];

    public IReadOnlyList<AlertParseError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int index) => $"{path}[{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";

    public void Add(string field, string rule)
    {
        if (_errors.Count < MaxErrors)
        {
            _errors.Add(new AlertParseError(field, rule));
        }
        else if (_errors.Count == MaxErrors)
        {
            _errors.Add(new AlertParseError("$", $"has more errors than the first {MaxErrors} listed"));
        }
    }

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        // A JSON null is treated as absent: senders written in Go and C# emit null for unset optional fields.
        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public string? RequiredString(JsonElement obj, string name, string path, bool allowEmpty = false)
    {
        string field = Join(path, name);
        if (!TryGet(obj, name, out JsonElement value))
        {
            Add(field, "is required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(field, "must be a string");
            return null;
        }

        string text = value.GetString()!;
        if (!allowEmpty && text.Length == 0)
        {
            Add(field, "must not be empty");
            return null;
        }

        return text;
    }

    /// <summary>An optional string; an empty string counts as absent.</summary>
    public string? OptionalString(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(Join(path, name), "must be a string");
            return null;
        }

        string text = value.GetString()!;
        return text.Length == 0 ? null : text;
    }

    public string? OneOf(JsonElement obj, string name, string path, bool required, params string[] allowed)
    {
        string? text = required ? RequiredString(obj, name, path) : OptionalString(obj, name, path);
        if (text is not null && System.Array.IndexOf(allowed, text) < 0)
        {
            Add(Join(path, name), $"must be one of {string.Join(", ", allowed)}");
            return null;
        }

        return text;
    }

    public JsonElement? Object(JsonElement obj, string name, string path, bool required)
    {
        if (!TryGet(obj, name, out JsonElement value))
        {
            if (required)
            {
                Add(Join(path, name), "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Add(Join(path, name), "must be an object");
            return null;
        }

        return value;
    }

    public JsonElement? Array(JsonElement obj, string name, string path, bool required)
    {
        if (!TryGet(obj, name, out JsonElement value))
        {
            if (required)
            {
                Add(Join(path, name), "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Add(Join(path, name), "must be an array");
            return null;
        }

        return value;
    }

    /// <summary>An object whose values must all be strings (Alertmanager labels and annotations).</summary>
    public Dictionary<string, string>? StringMap(JsonElement obj, string name, string path, bool required)
    {
        if (Object(obj, name, path, required) is not JsonElement map)
        {
            return null;
        }

        string field = Join(path, name);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in map.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                Add(Join(field, property.Name), "must be a string");
                continue;
            }

            result[property.Name] = property.Value.GetString()!;
        }

        return result;
    }

    /// <summary>An object whose values may be anything: strings are kept, other values as their JSON text.</summary>
    public Dictionary<string, string>? AnyMap(JsonElement obj, string name, string path)
    {
        if (Object(obj, name, path, required: false) is not JsonElement map)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in map.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : property.Value.GetRawText();
        }

        return result;
    }

    /// <summary>An RFC 3339 time. Go's zero time (0001-01-01T00:00:00Z), which Alertmanager sends for "not set", reads as null.</summary>
    public DateTimeOffset? Time(JsonElement obj, string name, string path, bool required)
    {
        string? text = required ? RequiredString(obj, name, path) : OptionalString(obj, name, path);
        if (text is null)
        {
            return null;
        }

        if (!Rfc3339.TryParse(text, out DateTimeOffset time))
        {
            Add(Join(path, name), "must be an RFC 3339 time");
            return null;
        }

        return time.UtcTicks == DateTimeOffset.MinValue.UtcTicks ? null : time;
    }

    public int? NonNegativeInt(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < 0)
        {
            Add(Join(path, name), "must be a non-negative integer");
            return null;
        }

        return number;
    }
}
