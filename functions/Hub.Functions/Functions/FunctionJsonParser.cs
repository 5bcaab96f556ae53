using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Functions.Triggers.Timer;

namespace Hub.Functions.Functions;

/// <summary>
/// Reads one function.json: exactly one trigger binding (httpTrigger, queueTrigger or timerTrigger) plus any others.
/// https://learn.microsoft.com/azure/azure-functions/functions-triggers-bindings
/// </summary>
internal static partial class FunctionJsonParser
{
    public static FunctionDefinition Parse(string name, string file, string json, IConfiguration configuration, TimeZoneInfo timeZone)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FunctionDefinitionException(file, $"not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("bindings", out JsonElement bindings)
                || bindings.ValueKind != JsonValueKind.Array)
            {
                throw new FunctionDefinitionException(file, "has no 'bindings' array.");
            }

            JsonElement[] triggers = bindings.EnumerateArray()
                .Where(b => b.ValueKind == JsonValueKind.Object && Text(b, "type")?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true)
                .ToArray();
            if (triggers.Length != 1)
            {
                throw new FunctionDefinitionException(file, $"must have exactly one trigger binding, found {triggers.Length}.");
            }

            JsonElement trigger = triggers[0];
            string type = Text(trigger, "type")!;
            string bindingName = Text(trigger, "name") is { Length: > 0 } n
                ? n
                : throw new FunctionDefinitionException(file, $"the {type} binding has no 'name'.");
            bool disabled = root.TryGetProperty("disabled", out JsonElement d) && d.ValueKind == JsonValueKind.True;
            // The Functions host also disables a function through the app setting AzureWebJobs.<Name>.Disabled.
            disabled |= bool.TryParse(configuration[$"AzureWebJobs.{name}.Disabled"], out bool byConfig) && byConfig;

            string Resolved(string property) => SettingResolver.Resolve(
                Text(trigger, property) is { Length: > 0 } value
                    ? value
                    : throw new FunctionDefinitionException(file, $"the {type} binding needs '{property}'."),
                configuration, file, property);

            switch (type.ToLowerInvariant())
            {
                case "httptrigger":
                    return new FunctionDefinition(name, file, TriggerKind.Http, bindingName, disabled);

                case "queuetrigger":
                    string queueName = Resolved("queueName");
                    if (!QueueName().IsMatch(queueName) || queueName.Contains("--", StringComparison.Ordinal))
                    {
                        throw new FunctionDefinitionException(file, $"queueName '{queueName}' is not a valid queue name (3-63 lower-case letters, digits and single dashes).");
                    }

                    return new FunctionDefinition(name, file, TriggerKind.Queue, bindingName, disabled)
                    {
                        QueueName = queueName,
                        Connection = Text(trigger, "connection") is { Length: > 0 } c ? c : "AzureWebJobsStorage",
                    };

                case "timertrigger":
                    string schedule = Resolved("schedule");
                    TimerSchedule parsed;
                    try
                    {
                        parsed = TimerSchedule.Parse(schedule, timeZone);
                    }
                    catch (FormatException ex)
                    {
                        throw new FunctionDefinitionException(file, $"schedule '{schedule}' is invalid: {ex.Message}");
                    }

                    return new FunctionDefinition(name, file, TriggerKind.Timer, bindingName, disabled)
                    {
                        ScheduleText = schedule,
                        Schedule = parsed,
                        RunOnStartup = trigger.TryGetProperty("runOnStartup", out JsonElement r) && r.ValueKind == JsonValueKind.True,
                    };

                default:
                    throw new FunctionDefinitionException(file, $"trigger type '{type}' is not supported by the hub (httpTrigger, queueTrigger, timerTrigger).");
            }
        }
    }

    private static string? Text(JsonElement element, string property)
    {
        foreach (JsonProperty p in element.EnumerateObject())
        {
            // function.json property names are case-insensitive for the Functions host.
            if (p.Name.Equals(property, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ToString();
            }
        }

        return null;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")]
    private static partial Regex QueueName();
}
