using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;

namespace Hub.Domain.Intake.Alerts;

/// <summary>
/// Alertmanager's webhook_config payload (version "4") and Grafana unified alerting's webhook contact point, which
/// sends the same shape with version "1" and a few extra fields (orgId, title, state, message, and per alert values,
/// valueString, dashboardURL, panelURL, silenceURL, imageURL).
/// </summary>
internal static class AlertmanagerPayload
{
    private static readonly string[] Statuses = ["firing", "resolved"];

    // Per-alert URL fields; Grafana sends "" for the ones it has nothing for.
    private static readonly string[] AlertmanagerLinkFields = ["generatorURL"];
    private static readonly string[] GrafanaLinkFields = ["generatorURL", "dashboardURL", "panelURL", "silenceURL", "imageURL"];

    public static AlertBatch? Read(string format, JsonElement root, AlertIntakeDefinition policy, FieldReader reader)
    {
        bool grafana = format == "grafana";
        string expectedVersion = grafana ? "1" : "4";
        string? version = reader.RequiredString(root, "version", "");
        if (version is not null && version != expectedVersion)
        {
            reader.Add("version", $"must be \"{expectedVersion}\"");
        }

        string? groupKey = reader.RequiredString(root, "groupKey", "");
        string? status = reader.OneOf(root, "status", "", required: true, Statuses);
        int truncated = reader.NonNegativeInt(root, "truncatedAlerts", "") ?? 0;
        string? externalUrl = reader.OptionalString(root, "externalURL", "");
        string? groupTitle = grafana ? reader.OptionalString(root, "title", "") : null;

        var alerts = new List<NormalizedAlert>();
        if (reader.Array(root, "alerts", "", required: true) is JsonElement items)
        {
            int count = items.GetArrayLength();
            if (count == 0)
            {
                reader.Add("alerts", "must not be empty");
            }
            else if (count > AlertParser.MaxAlerts)
            {
                reader.Add("alerts", $"must have at most {AlertParser.MaxAlerts.ToString(CultureInfo.InvariantCulture)} items");
            }
            else
            {
                int index = 0;
                foreach (JsonElement item in items.EnumerateArray())
                {
                    NormalizedAlert? alert = ReadAlert(format, item, FieldReader.Index("alerts", index++), grafana, externalUrl, groupTitle, policy, reader);
                    if (alert is not null)
                    {
                        alerts.Add(alert);
                    }
                }
            }
        }

        if (reader.HasErrors)
        {
            return null;
        }

        // Sorted by identity so that only content, not the order a sender lists alerts in, makes a new delivery.
        var content = new Canonical().Add(status).Add(truncated.ToString(CultureInfo.InvariantCulture));
        foreach (NormalizedAlert alert in alerts.OrderBy(a => a.Identity, StringComparer.Ordinal))
        {
            content.Add(alert.Identity).Add(alert.ContentDigest);
        }

        return new AlertBatch(format, $"{groupKey}:{content.Sha256()}", alerts, truncated);
    }

    private static NormalizedAlert? ReadAlert(
        string format,
        JsonElement item,
        string path,
        bool grafana,
        string? externalUrl,
        string? groupTitle,
        AlertIntakeDefinition policy,
        FieldReader reader)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            reader.Add(path, "must be an object");
            return null;
        }

        string? status = reader.OneOf(item, "status", path, required: true, Statuses);
        Dictionary<string, string>? labels = reader.StringMap(item, "labels", path, required: true);
        Dictionary<string, string> annotations = reader.StringMap(item, "annotations", path, required: false) ?? new(StringComparer.Ordinal);
        DateTimeOffset? startsAt = reader.Time(item, "startsAt", path, required: true);
        DateTimeOffset? endsAt = reader.Time(item, "endsAt", path, required: false);
        string? fingerprint = reader.OptionalString(item, "fingerprint", path);

        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string field in grafana ? GrafanaLinkFields : AlertmanagerLinkFields)
        {
            if (reader.OptionalString(item, field, path) is string url)
            {
                links[field] = url;
            }
        }

        if (grafana && reader.OptionalString(item, "valueString", path) is string valueString)
        {
            annotations.TryAdd("valueString", valueString);
        }

        if (status is null || labels is null)
        {
            return null;
        }

        foreach ((string key, string value) in annotations)
        {
            // runbook_url, dashboard_url, and the camel-case spelling some rule authors use.
            if (value.Length > 0 && (key.EndsWith("_url", StringComparison.OrdinalIgnoreCase) || key.EndsWith("URL", StringComparison.Ordinal)))
            {
                links.TryAdd(key, value);
            }
        }

        if (externalUrl is not null)
        {
            links.TryAdd("externalURL", externalUrl);
        }

        string identity = $"{format}:{fingerprint ?? LabelFingerprint(labels)}";
        string? alertName = labels.GetValueOrDefault("alertname") is { Length: > 0 } name ? name : null;
        string? summary = annotations.GetValueOrDefault("summary") is { Length: > 0 } s ? s : null;
        string? description = annotations.GetValueOrDefault("description") is { Length: > 0 } d ? d : null;
        string title = alertName ?? summary ?? groupTitle ?? identity;

        return AlertFactory.Create(
            identity,
            status == "firing" ? AlertStatus.Firing : AlertStatus.Resolved,
            title,
            description ?? (alertName is not null ? summary : null),
            labels.GetValueOrDefault("severity") is { Length: > 0 } severity ? severity : null,
            startsAt,
            endsAt,
            labels,
            annotations,
            links,
            labels.GetValueOrDefault("service") is { Length: > 0 } service ? service : null,
            policy);
    }

    /// <summary>
    /// For senders that leave out <c>fingerprint</c> (older Alertmanager releases, hand-written senders): "labels-" and the
    /// first 32 hex digits of SHA-256 over the labels in ordinal key order. It depends only on the label set, as
    /// Alertmanager's own fingerprint does, but it is not Alertmanager's FNV hash, so it never equals a real fingerprint.
    /// </summary>
    internal static string LabelFingerprint(IReadOnlyDictionary<string, string> labels) =>
        "labels-" + new Canonical().Add(labels).Sha256()[..32];
}
