using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Hub.Functions.Intake;

namespace Hub.Functions.Http;

/// <summary>
/// Checks a parsed JSON body against the shape of the type it is read into, before the serializer reads it, so a
/// caller hears of every value of the wrong kind at once (the serializer stops at the first). Each error names the
/// JSON path and the rule: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>object</c>, <c>array</c>,
/// <c>date-time</c>, <c>uuid</c>, <c>not-null</c> or <c>one of: A, B, C</c> for an enum (names only; a number is not an
/// enum value). Properties the type does not have are ignored, as the serializer ignores them. What the check cannot
/// judge (a custom converter, a polymorphic type) is left to the serializer.
/// </summary>
public static class JsonShape
{
    /// <summary>How many errors one answer lists at most.</summary>
    public const int MaxErrors = 50;

    public static IReadOnlyList<IntakeProblems.FieldError> Check(JsonElement value, Type type, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<IntakeProblems.FieldError>();
        Visit(value, type, "$", options, errors, converted: false);
        return errors;
    }

    private static void Visit(
        JsonElement value, Type type, string path, JsonSerializerOptions options, List<IntakeProblems.FieldError> errors, bool converted, JsonNumberHandling? numberHandling = null)
    {
        JsonNumberHandling numbers = numberHandling ?? options.NumberHandling;
        if (errors.Count >= MaxErrors)
        {
            return;
        }

        Type? underlying = Nullable.GetUnderlyingType(type);
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (type.IsValueType && underlying is null)
            {
                errors.Add(new(path, "not-null"));
            }

            return;
        }

        type = underlying ?? type;
        if (type.IsEnum)
        {
            CheckEnum(value, type, path, errors);
            return;
        }

        if (converted)
        {
            return; // a converter of the property's own reads it
        }

        if (Primitive(type) is { } rule)
        {
            if (!Fits(value, type) && !(value.ValueKind == JsonValueKind.String && rule is "integer" or "number" && NumberFromString(value, type, numbers)))
            {
                errors.Add(new(path, rule));
            }

            return;
        }

        if (type == typeof(object) || type == typeof(JsonElement) || typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(type))
        {
            return;
        }

        JsonTypeInfo info = options.GetTypeInfo(type);
        if (info.PolymorphismOptions is not null || info.Converter.GetType().Assembly != typeof(JsonSerializer).Assembly)
        {
            return; // polymorphic, or read by a converter of the hub's own
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new(path, "object"));
                    return;
                }

                foreach (JsonProperty property in value.EnumerateObject())
                {
                    JsonPropertyInfo? declared = info.Properties.FirstOrDefault(p => string.Equals(
                        p.Name, property.Name, options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
                    if (declared is { Set: not null } || declared?.AssociatedParameter is not null)
                    {
                        Visit(property.Value, declared.PropertyType, $"{path}.{declared.Name}", options, errors, declared.CustomConverter is not null, declared.NumberHandling ?? info.NumberHandling);
                    }
                }

                return;
            case JsonTypeInfoKind.Enumerable:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new(path, "array"));
                    return;
                }

                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Visit(item, info.ElementType!, $"{path}[{index++.ToString(CultureInfo.InvariantCulture)}]", options, errors, converted: false);
                }

                return;
            case JsonTypeInfoKind.Dictionary:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new(path, "object"));
                    return;
                }

                foreach (JsonProperty property in value.EnumerateObject())
                {
                    Visit(property.Value, info.ElementType!, $"{path}.{property.Name}", options, errors, converted: false);
                }

                return;
            default:
                return;
        }
    }

    private static void CheckEnum(JsonElement value, Type type, string path, List<IntakeProblems.FieldError> errors)
    {
        // The names as the converter reads them: case-insensitive, never a number.
        if (value.ValueKind != JsonValueKind.String
            || value.GetString() is not { } name
            || !Enum.GetNames(type).Contains(name.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new(path, "one of: " + string.Join(", ", Enum.GetNames(type))));
        }
    }

    // The web defaults read numbers sent as strings ("5"), as the serializer would.
    private static bool NumberFromString(JsonElement value, Type type, JsonNumberHandling numbers) =>
        numbers.HasFlag(JsonNumberHandling.AllowReadingFromString)
        && (Type.GetTypeCode(type) is TypeCode.Single or TypeCode.Double or TypeCode.Decimal
            ? decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) && FitsRange(parsed, type));

    private static bool FitsRange(long value, Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Byte => value is >= byte.MinValue and <= byte.MaxValue,
        TypeCode.SByte => value is >= sbyte.MinValue and <= sbyte.MaxValue,
        TypeCode.Int16 => value is >= short.MinValue and <= short.MaxValue,
        TypeCode.UInt16 => value is >= ushort.MinValue and <= ushort.MaxValue,
        TypeCode.Int32 => value is >= int.MinValue and <= int.MaxValue,
        TypeCode.UInt32 => value is >= 0 and <= uint.MaxValue,
        TypeCode.UInt64 => value >= 0,
        _ => true,
    };

    private static string? Primitive(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.String or TypeCode.Char => "string",
        TypeCode.Boolean => "boolean",
        TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "integer",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "number",
        TypeCode.DateTime => "date-time",
        _ when type == typeof(DateTimeOffset) => "date-time",
        _ when type == typeof(Guid) => "uuid",
        _ when type == typeof(Uri) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly) => "string",
        _ => null,
    };

    private static bool Fits(JsonElement value, Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.String => value.ValueKind == JsonValueKind.String,
        TypeCode.Char => value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 1,
        TypeCode.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        TypeCode.Byte => value.ValueKind == JsonValueKind.Number && value.TryGetByte(out _),
        TypeCode.SByte => value.ValueKind == JsonValueKind.Number && value.TryGetSByte(out _),
        TypeCode.Int16 => value.ValueKind == JsonValueKind.Number && value.TryGetInt16(out _),
        TypeCode.UInt16 => value.ValueKind == JsonValueKind.Number && value.TryGetUInt16(out _),
        TypeCode.Int32 => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        TypeCode.UInt32 => value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out _),
        TypeCode.Int64 => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        TypeCode.UInt64 => value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out _),
        TypeCode.Single or TypeCode.Double => value.ValueKind == JsonValueKind.Number,
        TypeCode.Decimal => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _),
        TypeCode.DateTime => value.ValueKind == JsonValueKind.String && value.TryGetDateTime(out _),
        _ when type == typeof(DateTimeOffset) => value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _),
        _ when type == typeof(Guid) => value.ValueKind == JsonValueKind.String && value.TryGetGuid(out _),
        _ => value.ValueKind == JsonValueKind.String,
    };
}
