using System.Text.Json;
using Hub.Domain.Configuration;

namespace Hub.Domain.Intake.Alerts;

/// <summary>Azure Monitor's common alert schema: one alert per delivery, identified by <c>data.essentials.alertId</c>.</summary>
internal static class AzureMonitorPayload
{
    private const string SchemaId = "azureMonitorCommonAlertSchema";
    private static readonly string[] Severities = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"];
    private static readonly string[] Conditions = ["Fired", "Resolved"];

    public static AlertBatch? Read(JsonElement root, AlertIntakeDefinition policy, FieldReader reader)
    {
        string? schemaId = reader.RequiredString(root, "schemaId", "");
        if (schemaId is not null && schemaId != SchemaId)
        {
            reader.Add("schemaId", $"must be \"{SchemaId}\"");
        }

        if (reader.Object(root, "data", "", required: true) is not JsonElement data)
        {
            return null;
        }

        if (reader.Object(data, "essentials", "data", required: true) is not JsonElement essentials)
        {
            return null;
        }

        const string path = "data.essentials";
        string? alertId = reader.RequiredString(essentials, "alertId", path);
        string? alertRule = reader.RequiredString(essentials, "alertRule", path);
        string? severity = reader.OneOf(essentials, "severity", path, required: true, Severities);
        string? condition = reader.OneOf(essentials, "monitorCondition", path, required: true, Conditions);
        DateTimeOffset? firedAt = reader.Time(essentials, "firedDateTime", path, required: true);
        DateTimeOffset? resolvedAt = reader.Time(essentials, "resolvedDateTime", path, required: false);
        string? signalType = reader.OptionalString(essentials, "signalType", path);
        string? monitoringService = reader.OptionalString(essentials, "monitoringService", path);
        string? description = reader.OptionalString(essentials, "description", path);
        string? investigationLink = reader.OptionalString(essentials, "investigationLink", path);
        string? targets = StringList(essentials, "alertTargetIDs", path, reader);
        string? configurationItems = StringList(essentials, "configurationItems", path, reader);
        Dictionary<string, string> custom = reader.AnyMap(data, "customProperties", "data") ?? new(StringComparer.Ordinal);

        if (reader.HasErrors)
        {
            return null;
        }

        // The essentials win over a custom property of the same name: they are what routing rules are written against.
        var labels = new Dictionary<string, string>(custom, StringComparer.Ordinal)
        {
            ["alertRule"] = alertRule!,
            ["severity"] = severity!,
        };
        SetIfPresent(labels, "signalType", signalType);
        SetIfPresent(labels, "monitoringService", monitoringService);
        SetIfPresent(labels, "alertTargetIDs", targets);
        SetIfPresent(labels, "configurationItems", configurationItems);

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        SetIfPresent(annotations, "description", description);

        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        SetIfPresent(links, "investigationLink", investigationLink);
        CollectSearchLinks(data, links);

        bool resolved = condition == "Resolved";
        NormalizedAlert alert = AlertFactory.Create(
            $"azure-monitor:{alertId}",
            resolved ? AlertStatus.Resolved : AlertStatus.Firing,
            alertRule!,
            description,
            severity,
            firedAt,
            resolvedAt,
            labels,
            annotations,
            links,
            custom.GetValueOrDefault("service") is { Length: > 0 } service ? service : null,
            policy);

        string deliveryKey = resolved && resolvedAt is not null
            ? $"{alertId}:{condition}:{Canonical.Utc(resolvedAt.Value)}"
            : $"{alertId}:{condition}";
        return new AlertBatch("azure-monitor", deliveryKey, [alert], 0);
    }

    private static string? StringList(JsonElement obj, string name, string path, FieldReader reader)
    {
        if (reader.Array(obj, name, path, required: false) is not JsonElement items)
        {
            return null;
        }

        var values = new List<string>();
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                reader.Add(FieldReader.Index(FieldReader.Join(path, name), index), "must be a string");
            }
            else
            {
                values.Add(item.GetString()!);
            }

            index++;
        }

        return values.Count == 0 ? null : string.Join(",", values);
    }

    /// <summary>Log search alerts put portal links in <c>alertContext.condition.allOf[].linkTo*</c>; they are kept as links.</summary>
    private static void CollectSearchLinks(JsonElement data, Dictionary<string, string> links)
    {
        if (!data.TryGetProperty("alertContext", out JsonElement context) || context.ValueKind != JsonValueKind.Object
            || !context.TryGetProperty("condition", out JsonElement condition) || condition.ValueKind != JsonValueKind.Object
            || !condition.TryGetProperty("allOf", out JsonElement allOf) || allOf.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (JsonElement criterion in allOf.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
        {
            foreach (JsonProperty property in criterion.EnumerateObject())
            {
                if (property.Name.StartsWith("linkTo", StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String
                    && property.Value.GetString() is { Length: > 0 } url)
                {
                    links.TryAdd(property.Name, url);
                }
            }
        }
    }

    private static void SetIfPresent(Dictionary<string, string> map, string key, string? value)
    {
        if (value is not null)
        {
            map[key] = value;
        }
    }
}
