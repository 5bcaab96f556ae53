using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

/// <summary>
/// App settings that replace values of the configuration document per environment (docs/configuration.md, "Overrides
/// from app settings"): connector URLs and limits, the release fetch limits and allow-list, escalation ack deadlines.
/// Keys name items by their <c>name</c>, never by list index, so reordering the file does not retarget a setting.
/// They are written into the parsed document before it is read, so an override passes the same rules as the value it
/// replaces, and an error names the setting instead of a line. An empty value overrides nothing.
/// </summary>
internal static class SettingOverrides
{
    private static readonly (string Setting, string Key)[] ConnectorKeys = [("Url", "url"), ("TimeoutSeconds", "timeoutSeconds"), ("MaxRetries", "maxRetries")];

    private static readonly (string Setting, string Key)[] FetchKeys = [("MaxPackageBytes", "maxPackageBytes"), ("Timeout", "timeout"), ("AllowedHosts", "allowedHosts")];

    public static void Apply(YamlNode root, IConfiguration settings, ConfigurationContext context)
    {
        if (root is not YamlMappingNode document)
        {
            // Not a mapping: the reader reports that, and there is nothing to override.
            return;
        }

        Connectors(document, settings.GetSection("Hub:Connectors"), context);
        Releases(document, settings.GetSection("Hub:Releases"), context);
        Incidents(document, settings.GetSection("Hub:Incidents"), context);
    }

    // Hub__Connectors__<name>__Url, __TimeoutSeconds, __MaxRetries. Other keys under Hub__Connectors are left alone:
    // connector secrets live there too (Hub__Connectors__RtToken).
    private static void Connectors(YamlMappingNode document, IConfigurationSection section, ConfigurationContext context)
    {
        foreach (IConfigurationSection connector in section.GetChildren())
        {
            foreach ((string leaf, string key) in ConnectorKeys)
            {
                if (Value(connector.GetSection(leaf)) is not { } value)
                {
                    continue;
                }

                string setting = $"Hub__Connectors__{connector.Key}__{leaf}";
                if (Item(Child(document, "connectors"), connector.Key) is { } item)
                {
                    Set(item, key, Scalar(value), setting, context);
                }
                else
                {
                    context.SettingError(setting, $"no connector named '{connector.Key}' in the configuration (connectors: lists the names)");
                }
            }
        }
    }

    // Hub__Releases__Fetch__MaxPackageBytes, __Timeout, __AllowedHosts (comma-separated).
    private static void Releases(YamlMappingNode document, IConfigurationSection section, ConfigurationContext context)
    {
        Unknown(section, "Hub__Releases", ["Fetch"], context);
        IConfigurationSection fetchSection = section.GetSection("Fetch");
        Unknown(fetchSection, "Hub__Releases__Fetch", [.. FetchKeys.Select(k => k.Setting)], context);
        foreach ((string leaf, string key) in FetchKeys)
        {
            if (Value(fetchSection.GetSection(leaf)) is not { } value)
            {
                continue;
            }

            string setting = $"Hub__Releases__Fetch__{leaf}";
            if (Mapping(document, "releases", setting, context) is not { } releases || Mapping(releases, "fetch", setting, context) is not { } fetch)
            {
                continue;
            }

            YamlNode node = key == "allowedHosts"
                ? new YamlSequenceNode(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(h => (YamlNode)Scalar(h)))
                : Scalar(value);
            Set(fetch, key, node, setting, context);
        }
    }

    // Hub__Incidents__Escalation__<level name>__AckWithin.
    private static void Incidents(YamlMappingNode document, IConfigurationSection section, ConfigurationContext context)
    {
        Unknown(section, "Hub__Incidents", ["Escalation"], context);
        foreach (IConfigurationSection level in section.GetSection("Escalation").GetChildren())
        {
            Unknown(level, $"Hub__Incidents__Escalation__{level.Key}", ["AckWithin"], context);
            if (Value(level.GetSection("AckWithin")) is not { } value)
            {
                continue;
            }

            string setting = $"Hub__Incidents__Escalation__{level.Key}__AckWithin";
            if (Item(Child(Child(document, "incidents"), "escalation"), level.Key) is { } item)
            {
                Set(item, "ackWithin", Scalar(value), setting, context);
            }
            else
            {
                context.SettingError(setting, $"no escalation level named '{level.Key}' in the configuration (incidents.escalation lists the names)");
            }
        }
    }

    private static void Unknown(IConfigurationSection section, string prefix, string[] known, ConfigurationContext context)
    {
        foreach (IConfigurationSection child in section.GetChildren().Where(c => !known.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            context.SettingError($"{prefix}__{child.Key}", $"unknown setting (expected {string.Join(", ", known.Select(k => $"{prefix}__{k}"))})");
        }
    }

    private static string? Value(IConfigurationSection section) => string.IsNullOrWhiteSpace(section.Value) ? null : section.Value.Trim();

    // Quoted, so an override is always text: never YAML's null, and never read as anything but what was set.
    private static YamlScalarNode Scalar(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode mapping && KeyOf(mapping, key) is { } existing ? mapping.Children[existing] : null;

    private static YamlNode? KeyOf(YamlMappingNode mapping, string key) =>
        mapping.Children.Keys.FirstOrDefault(k => k is YamlScalarNode scalar && scalar.Value == key);

    /// <summary>
    /// The item of a list whose <c>name</c> is <paramref name="name"/>, case-insensitively as names are unique; else the
    /// one whose name matches with '_' read as '-', since App Service on Linux allows no '-' in a setting name
    /// (Hub__Incidents__Escalation__tech_lead__AckWithin).
    /// </summary>
    private static YamlMappingNode? Item(YamlNode? list, string name)
    {
        List<(YamlMappingNode Item, string Name)> items = [.. ((list as YamlSequenceNode)?.Children ?? []).OfType<YamlMappingNode>()
            .Select(i => (Item: i, Name: (Child(i, "name") as YamlScalarNode)?.Value ?? ""))];
        return items.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase)).Item
            ?? items.FirstOrDefault(i => string.Equals(i.Name.Replace('_', '-'), name.Replace('_', '-'), StringComparison.OrdinalIgnoreCase)).Item;
    }

    /// <summary>The mapping under <paramref name="key"/>, added when the document has none; null (reported by the reader) when it is something else.</summary>
    private static YamlMappingNode? Mapping(YamlMappingNode parent, string key, string setting, ConfigurationContext context)
    {
        switch (Child(parent, key))
        {
            case YamlMappingNode mapping:
                return mapping;
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } or null:
                var added = new YamlMappingNode();
                Set(parent, key, added, setting, context);
                return added;
            default:
                return null;
        }
    }

    private static void Set(YamlMappingNode mapping, string key, YamlNode value, string setting, ConfigurationContext context)
    {
        mapping.Children[KeyOf(mapping, key) ?? new YamlScalarNode(key)] = value;
        context.Overridden(value, setting);
        foreach (YamlNode item in (value as YamlSequenceNode)?.Children ?? [])
        {
            context.Overridden(item, setting);
        }
    }
}
