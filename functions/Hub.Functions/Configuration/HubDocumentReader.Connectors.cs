using Hub.Domain.Configuration;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    private static readonly Dictionary<string, ConnectorType> ConnectorTypes = new()
    {
        ["rt"] = ConnectorType.Rt,
        ["webhook"] = ConnectorType.Webhook,
    };

    private List<ConnectorDefinition> ReadConnectors(MappingReader document)
    {
        var connectors = new List<ConnectorDefinition>();
        var names = new List<Named>();
        foreach (var (node, path) in document.List("connectors"))
        {
            if (MappingReader.Open(node, path, context, "name", "type", "url", "secretSetting", "timeoutSeconds", "maxRetries") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "connector");
            ConnectorType? type = item.Choice("type", ConnectorTypes, required: true);
            Uri? url = ReadConnectorUrl(item);
            string? secret = ReadSecretSetting(item, "secretSetting");
            int timeout = item.Integer("timeoutSeconds", 1, 600) ?? (int)ConnectorDefinition.DefaultTimeout.TotalSeconds;
            int retries = item.Integer("maxRetries", 0, 10) ?? ConnectorDefinition.DefaultMaxRetries;
            if (name is not null && type is not null && url is not null && secret is not null)
            {
                connectors.Add(new ConnectorDefinition(name, type.Value, url, secret, TimeSpan.FromSeconds(timeout), retries));
            }
        }

        context.CheckUnique("connector name", names);
        return connectors;
    }

    private Uri? ReadConnectorUrl(MappingReader item)
    {
        string? text = item.Text("url", required: true);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(url.UserInfo))
        {
            context.Error(item.Value("url", required: false)!, item.PathOf("url"), $"'{text}' must be an absolute http or https URL without credentials (credentials belong in secretSetting)");
            return null;
        }

        return url;
    }

    /// <summary>The name of the one app setting holding a secret; refused (and not echoed) when it looks like the secret itself.</summary>
    private string? ReadSecretSetting(MappingReader item, string key)
    {
        string? setting = item.Text(key, required: true);
        if (setting is null)
        {
            return null;
        }

        CheckSecretSetting(new Named(setting, item.Value(key, required: false)!, item.PathOf(key)));
        return setting;
    }
}
