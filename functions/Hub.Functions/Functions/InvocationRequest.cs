using System.Globalization;
using System.Text.Json;

namespace Hub.Functions.Functions;

/// <summary>
/// Reads the Functions host's custom-handler request payload <c>{"Data": {...}, "Metadata": {...}}</c> into a
/// <see cref="FunctionInvocation"/>.
/// https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#request-payload
/// </summary>
internal static class InvocationRequest
{
    public static FunctionInvocation Read(FunctionDefinition function, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The invocation payload must be a JSON object with Data and Metadata.");
        }

        JsonElement? data = Property(payload, "Data");
        JsonElement? binding = data is { ValueKind: JsonValueKind.Object } d ? Property(d, function.BindingName) : null;
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Property(payload, "Metadata") is { ValueKind: JsonValueKind.Object } m)
        {
            Flatten(m, "", metadata);
        }

        return function.Trigger switch
        {
            TriggerKind.Timer => new FunctionInvocation(
                function.Name, TriggerKind.Timer, function.BindingName, null, ReadTimer(binding, function.ScheduleText ?? ""), metadata, InvocationSource.FunctionsHost),
            _ => new FunctionInvocation(
                function.Name, function.Trigger, function.BindingName, Text(binding), null, metadata, InvocationSource.FunctionsHost),
        };
    }

    private static TimerInfo ReadTimer(JsonElement? binding, string schedule)
    {
        if (binding is not { ValueKind: JsonValueKind.Object } timer)
        {
            return new TimerInfo(schedule, null, false);
        }

        TimerScheduleStatus? status = null;
        if (Property(timer, "ScheduleStatus") is { ValueKind: JsonValueKind.Object } s
            && Time(Property(s, "Last")) is { } last && Time(Property(s, "Next")) is { } next)
        {
            status = new TimerScheduleStatus(last, next, Time(Property(s, "LastUpdated")) ?? last);
        }

        bool pastDue = Property(timer, "IsPastDue") is { ValueKind: JsonValueKind.True };
        return new TimerInfo(schedule, status, pastDue);
    }

    // A queue message arrives as a JSON string; anything else (an object from a JSON message) is kept as its JSON text.
    private static string? Text(JsonElement? value) => value switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { } other => other.GetRawText(),
    };

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string key = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, key + ".", into);
            }
            else if (Text(property.Value) is { } text)
            {
                into[key] = Unquote(text);
            }
        }
    }

    // Some host versions send string metadata JSON-encoded a second time ("\"abc\""); take the inner string.
    private static string Unquote(string text)
    {
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize<string>(text) ?? text;
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }

    private static DateTimeOffset? Time(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } s
        && DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? time
            : null;

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
