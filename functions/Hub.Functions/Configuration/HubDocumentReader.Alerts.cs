using Hub.Domain.Configuration;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    /// <summary>The severity name <see cref="AlertIntakeDefinition.DefaultSeverity"/> carries.</summary>
    public const string DefaultSeverityName = "default";

    private static readonly Dictionary<string, AlertClassification> Classifications = new()
    {
        ["urgent"] = AlertClassification.Urgent,
        ["bug-report"] = AlertClassification.BugReport,
        ["informational"] = AlertClassification.Informational,
    };

    private AlertIntakeDefinition? ReadAlerts(MappingReader document)
    {
        if (document.Value("alerts", required: true) is not { } node
            || MappingReader.Open(node, "alerts", context, "queue", "severities", "default") is not { } alerts)
        {
            return null;
        }

        string? queue = Reference(alerts, "queue", QueueKind, required: true);

        var severities = new List<SeverityMapping>();
        var names = new List<Named>();
        if (alerts.Value("severities", required: false) is { } severitiesNode)
        {
            if (severitiesNode is not YamlMappingNode map)
            {
                context.Error(severitiesNode, alerts.PathOf("severities"), "must be a mapping of severity -> priority and classification");
            }
            else
            {
                foreach (var (key, value) in map.Children)
                {
                    string path = $"{alerts.PathOf("severities")}.{(key as YamlScalarNode)?.Value}";
                    if (MappingReader.Scalar(key, path, context, required: true) is not { } severity)
                    {
                        continue;
                    }

                    names.Add(new Named(severity, key, path));
                    if (ReadSeverity(value, path, severity) is { } mapping)
                    {
                        severities.Add(mapping);
                    }
                }
            }
        }

        // YamlDotNet refuses exact duplicate keys; severities also match case-insensitively, so Sev1 and sev1 clash.
        context.CheckUnique("severity", names);

        SeverityMapping? fallback = alerts.Value("default", required: true) is { } fallbackNode
            ? ReadSeverity(fallbackNode, alerts.PathOf("default"), DefaultSeverityName)
            : null;
        return fallback is null ? null : new AlertIntakeDefinition(queue ?? "", severities, fallback);
    }

    private SeverityMapping? ReadSeverity(YamlNode node, string path, string severity)
    {
        if (MappingReader.Open(node, path, context, "priority", "classification") is not { } item)
        {
            return null;
        }

        int? priority = item.Value("priority", required: true) is null ? null : item.Integer("priority", 0, 100);
        AlertClassification? classification = item.Choice("classification", Classifications, required: true);
        return priority is null || classification is null ? null : new SeverityMapping(severity, priority.Value, classification.Value);
    }
}
