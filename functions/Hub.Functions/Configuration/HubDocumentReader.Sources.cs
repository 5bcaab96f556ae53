using Hub.Domain.Configuration;
using Hub.Domain.Security;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    private const string TicketsKind = "tickets";

    private static readonly Dictionary<string, WebhookAuthScheme> AuthSchemes = new()
    {
        ["standard-webhooks"] = WebhookAuthScheme.StandardWebhooks,
        ["github-signature"] = WebhookAuthScheme.GitHubSignature,
        ["basic"] = WebhookAuthScheme.Basic,
        ["bearer"] = WebhookAuthScheme.Bearer,
    };

    private static readonly string[] SourceKinds = ["mail", "alertmanager", "grafana", "azure-monitor", "pagerduty", TicketsKind];

    private List<WebhookSource> ReadSources(MappingReader document)
    {
        var sources = new List<WebhookSource>();
        var names = new List<Named>();
        var endpoints = new List<Named>();
        foreach (var (node, path) in document.List("sources"))
        {
            if (MappingReader.Open(node, path, context, "name", "kind", "auth", "secretSettings", "system") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "source");
            string? kind = item.Text("kind", required: true);
            if (kind is not null && !SourceKinds.Contains(kind, StringComparer.Ordinal))
            {
                context.Error(item.Value("kind", required: false)!, item.PathOf("kind"), $"'{kind}' is not one of: {string.Join(", ", SourceKinds)}");
                kind = null;
            }

            WebhookAuthScheme? auth = item.Choice("auth", AuthSchemes, required: true);
            List<string> settings = ReadSecretSettings(item);
            string? system = ReadSystem(item, kind);

            // One source per endpoint: /api/hooks/mail, /api/hooks/alerts/{kind}, /api/hooks/tickets/{system}.
            if (kind is not null && (kind != TicketsKind || system is not null))
            {
                endpoints.Add(new Named(kind == TicketsKind ? $"{kind}/{system}" : kind, item.Value("kind", required: false)!, item.PathOf("kind")));
            }

            if (name is not null && kind is not null && auth is not null)
            {
                sources.Add(new WebhookSource(name, kind, auth.Value, settings, system));
            }
        }

        context.CheckUnique("source name", names);
        context.CheckUnique("source for endpoint", endpoints);
        return sources;
    }

    /// <summary>Names of app settings, never the secrets themselves; a value that looks like a secret is refused and not echoed.</summary>
    private List<string> ReadSecretSettings(MappingReader item)
    {
        IReadOnlyList<Named> settings = item.TextList("secretSettings", required: true);
        foreach (Named setting in settings)
        {
            CheckSecretSetting(setting);
        }

        context.CheckUnique("setting", settings);
        return [.. settings.Select(s => s.Name)];
    }

    private void CheckSecretSetting(Named setting)
    {
        if (ConfigurationPatterns.LooksLikeSecret(setting.Name))
        {
            context.Error(setting.Node, setting.Path,
                "looks like a secret value, not the name of the app setting holding it: remove it from this file, rotate it, and name its setting (e.g. Hub__Secrets__GrafanaWebhookSecret)");
        }
        else if (!ConfigurationPatterns.SettingName().IsMatch(setting.Name))
        {
            context.Error(setting.Node, setting.Path, "is not an app setting name (letters, digits and '_', starting with a letter, sections separated by '__')");
        }
    }

    private string? ReadSystem(MappingReader item, string? kind)
    {
        string? system = item.Text("system", required: kind == TicketsKind);
        if (system is null)
        {
            return null;
        }

        if (kind is not null and not TicketsKind)
        {
            context.Error(item.Value("system", required: false)!, item.PathOf("system"), "only a source of kind tickets has a system");
        }
        else if (!ConfigurationPatterns.RouteSegment().IsMatch(system))
        {
            context.Error(item.Value("system", required: false)!, item.PathOf("system"), $"'{system}' must be 1-32 lower-case letters, digits or '-' (it is the last segment of /api/hooks/tickets/{{system}})");
        }

        return system;
    }
}
