using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;

namespace Hub.Domain.Intake.Alerts;

/// <summary>PagerDuty Events API v2 alert events (what a tool posts to /v2/enqueue), one object or an array of them.</summary>
internal static class PagerDutyPayload
{
    private static readonly string[] Actions = ["trigger", "acknowledge", "resolve"];
    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    public static AlertBatch? Read(JsonElement root, AlertIntakeDefinition policy, FieldReader reader)
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            (NormalizedAlert Alert, string Key)? single = ReadEvent(root, "", policy, reader);
            return reader.HasErrors || single is null ? null : new AlertBatch("pagerduty", single.Value.Key, [single.Value.Alert], 0);
        }

        int count = root.GetArrayLength();
        if (count == 0)
        {
            reader.Add("$", "must not be empty");
            return null;
        }

        if (count > AlertParser.MaxAlerts)
        {
            reader.Add("$", $"must have at most {AlertParser.MaxAlerts.ToString(CultureInfo.InvariantCulture)} items");
            return null;
        }

        var alerts = new List<NormalizedAlert>();
        var keys = new Canonical();
        int index = 0;
        foreach (JsonElement item in root.EnumerateArray())
        {
            string path = FieldReader.Index("", index++);
            if (item.ValueKind != JsonValueKind.Object)
            {
                reader.Add(path, "must be an object");
                continue;
            }

            if (ReadEvent(item, path, policy, reader) is var (alert, key))
            {
                alerts.Add(alert);
                keys.Add(key);
            }
        }

        // A batch is one delivery: its key covers every event's key, in order (the order of events matters to PagerDuty).
        return reader.HasErrors ? null : new AlertBatch("pagerduty", $"batch:{keys.Sha256()}", alerts, 0);
    }

    private static (NormalizedAlert Alert, string Key)? ReadEvent(JsonElement item, string path, AlertIntakeDefinition policy, FieldReader reader)
    {
        string? routingKey = reader.RequiredString(item, "routing_key", path);
        string? action = reader.OneOf(item, "event_action", path, required: true, Actions);
        string? dedupKey = reader.OptionalString(item, "dedup_key", path);
        if (dedupKey is { Length: > 255 })
        {
            reader.Add(FieldReader.Join(path, "dedup_key"), "must be at most 255 characters");
        }

        bool trigger = action == "trigger";
        if (action is not null && !trigger && dedupKey is null)
        {
            reader.Add(FieldReader.Join(path, "dedup_key"), "is required for acknowledge and resolve");
        }

        // Acknowledge and resolve events carry only the key; a trigger must describe the problem.
        string payloadPath = FieldReader.Join(path, "payload");
        JsonElement? payload = reader.Object(item, "payload", path, required: trigger);
        string? summary = null, source = null, severity = null, component = null, group = null, eventClass = null;
        DateTimeOffset? timestamp = null;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        string? description = null;
        if (payload is JsonElement p)
        {
            summary = trigger ? reader.RequiredString(p, "summary", payloadPath) : reader.OptionalString(p, "summary", payloadPath);
            source = trigger ? reader.RequiredString(p, "source", payloadPath) : reader.OptionalString(p, "source", payloadPath);
            severity = reader.OneOf(p, "severity", payloadPath, required: trigger, Severities);
            timestamp = reader.Time(p, "timestamp", payloadPath, required: false);
            component = reader.OptionalString(p, "component", payloadPath);
            group = reader.OptionalString(p, "group", payloadPath);
            eventClass = reader.OptionalString(p, "class", payloadPath);
            if (summary is { Length: > 1024 })
            {
                reader.Add(FieldReader.Join(payloadPath, "summary"), "must be at most 1024 characters");
            }

            // custom_details is documented as an object; PagerDuty also takes a plain string there.
            if (FieldReader.TryGet(p, "custom_details", out JsonElement details))
            {
                if (details.ValueKind == JsonValueKind.String)
                {
                    description = details.GetString() is { Length: > 0 } text ? text : null;
                    if (description is not null)
                    {
                        annotations["custom_details"] = description;
                    }
                }
                else
                {
                    foreach ((string name, string value) in reader.AnyMap(p, "custom_details", payloadPath) ?? [])
                    {
                        annotations[$"custom_details.{name}"] = value;
                    }
                }
            }
        }

        Dictionary<string, string> links = ReadLinks(item, path, reader);
        if (reader.OptionalString(item, "client", path) is string client)
        {
            annotations["client"] = client;
        }

        if (reader.OptionalString(item, "client_url", path) is string clientUrl)
        {
            links.TryAdd("client_url", clientUrl);
        }

        if (reader.HasErrors || action is null || routingKey is null)
        {
            return null;
        }

        if (summary is not null)
        {
            annotations["summary"] = summary;
        }

        // The routing key is the integration's secret: it is hashed into a derived key, never copied into labels.
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        SetIfPresent(labels, "source", source);
        SetIfPresent(labels, "severity", severity);
        SetIfPresent(labels, "component", component);
        SetIfPresent(labels, "group", group);
        SetIfPresent(labels, "class", eventClass);

        string key = dedupKey ?? DerivedDedupKey(routingKey, summary!, source!);
        AlertStatus status = action switch
        {
            "trigger" => AlertStatus.Firing,
            "acknowledge" => AlertStatus.Acknowledged,
            _ => AlertStatus.Resolved,
        };
        NormalizedAlert alert = AlertFactory.Create(
            $"pagerduty:{key}",
            status,
            summary ?? key,
            description,
            severity,
            status == AlertStatus.Resolved ? null : timestamp,
            status == AlertStatus.Resolved ? timestamp : null,
            labels,
            annotations,
            links,
            component,
            policy);
        return (alert, $"{key}:{action}:{alert.ContentDigest}");
    }

    /// <summary>
    /// PagerDuty gives a trigger without dedup_key a fresh random key, so each such trigger is a new alert there. The hub
    /// needs the same event retried by a sender to land on the same ticket, so it derives the key from what the event is
    /// about: "derived-" and the first 32 hex digits of SHA-256 over routing_key, summary and source.
    /// </summary>
    internal static string DerivedDedupKey(string routingKey, string summary, string source) =>
        "derived-" + new Canonical().Add(routingKey).Add(summary).Add(source).Sha256()[..32];

    private static Dictionary<string, string> ReadLinks(JsonElement item, string path, FieldReader reader)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.Array(item, "links", path, required: false) is JsonElement linkItems)
        {
            int index = 0;
            foreach (JsonElement link in linkItems.EnumerateArray())
            {
                string linkPath = FieldReader.Index(FieldReader.Join(path, "links"), index++);
                if (link.ValueKind != JsonValueKind.Object)
                {
                    reader.Add(linkPath, "must be an object");
                    continue;
                }

                string? href = reader.RequiredString(link, "href", linkPath);
                string? text = reader.OptionalString(link, "text", linkPath);
                if (href is not null && !(text is not null && links.TryAdd(text, href)))
                {
                    links.TryAdd(FieldReader.Index("links", index - 1), href);
                }
            }
        }

        if (reader.Array(item, "images", path, required: false) is JsonElement imageItems)
        {
            int index = 0;
            foreach (JsonElement image in imageItems.EnumerateArray())
            {
                string imagePath = FieldReader.Index(FieldReader.Join(path, "images"), index++);
                if (image.ValueKind != JsonValueKind.Object)
                {
                    reader.Add(imagePath, "must be an object");
                    continue;
                }

                if (reader.RequiredString(image, "src", imagePath) is string src)
                {
                    links.TryAdd(FieldReader.Index("images", index - 1), src);
                }
            }
        }

        return links;
    }

    private static void SetIfPresent(Dictionary<string, string> map, string key, string? value)
    {
        if (value is not null)
        {
            map[key] = value;
        }
    }
}
