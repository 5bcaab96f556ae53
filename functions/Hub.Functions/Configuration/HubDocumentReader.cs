using Hub.Domain.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

/// <summary>
/// Turns one parsed YAML/JSON document into a <see cref="HubConfiguration"/>, collecting every error rather than
/// stopping at the first. Cross-section references (queues, lifecycles, contact lists) are checked once all are read.
/// </summary>
internal sealed partial class HubDocumentReader(ConfigurationContext context)
{
    private const string QueueKind = "queue";
    private const string LifecycleKind = "lifecycle";
    private const string ContactKind = "contact list";

    /// <summary>Reads <paramref name="text"/>; <paramref name="settings"/>, when given, are the app settings that may override values (<see cref="SettingOverrides"/>).</summary>
    public static HubConfiguration Read(string text, string fileName, IConfiguration? settings = null)
    {
        var context = new ConfigurationContext(fileName);
        HubConfiguration? configuration = null;
        if (Parse(text, context) is { } root)
        {
            if (settings is not null)
            {
                SettingOverrides.Apply(root, settings, context);
            }

            configuration = new HubDocumentReader(context).ReadRoot(root);
        }

        if (context.Errors.Count > 0 || configuration is null)
        {
            throw new HubConfigurationException([.. context.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return configuration;
    }

    private static YamlNode? Parse(string text, ConfigurationContext context)
    {
        var stream = new YamlStream();
        var parser = new MarkingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            // YamlDotNet prefixes its message with both marks; the error line carries the start mark already.
            string message = (e.InnerException is YamlException inner ? inner : e).Message;
            int detail = message.IndexOf("): ", StringComparison.Ordinal);
            context.Error(e.Start, "", "not valid YAML or JSON: " + (detail >= 0 ? message[(detail + 3)..] : message));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16.3's scanner throws this, without a mark, on some unclosed flow collections ("a: [b" then
            // more lines); the last event it produced is the best place to point at.
            context.Error(parser.LastStart, "", "not valid YAML or JSON: the parser stopped after this point (an unclosed '[', '{' or quote?)");
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            context.Error(stream.Documents.Count == 0 ? Mark.Empty : stream.Documents[1].RootNode.Start, "",
                stream.Documents.Count == 0 ? "the document is empty" : "expected one document, found several");
            return null;
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>Remembers where the last parsing event started, for errors the parser raises without a mark.</summary>
    private sealed class MarkingParser(IParser inner) : IParser
    {
        public Mark LastStart { get; private set; } = Mark.Empty;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            bool moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                LastStart = current.Start;
            }

            return moved;
        }
    }

    private HubConfiguration? ReadRoot(YamlNode root)
    {
        if (MappingReader.Open(root, "", context, "lifecycles", "queues", "contacts", "mail", "alerts", "sources", "connectors",
                "releases", "incidents", "rotas", "email", "services", "sites") is not { } document)
        {
            return null;
        }

        IReadOnlyList<LifecycleDefinition> lifecycles = ReadLifecycles(document);
        IReadOnlyList<QueueDefinition> queues = ReadQueues(document);
        IReadOnlyList<ContactList> contacts = ReadContacts(document);
        MailIntakeDefinition? mail = ReadMail(document);
        AlertIntakeDefinition? alerts = ReadAlerts(document);
        IReadOnlyList<WebhookSource> sources = ReadSources(document);
        IReadOnlyList<ConnectorDefinition> connectors = ReadConnectors(document);
        (IncidentSettings incidents, IReadOnlyList<Hub.Domain.Rota.RotaDefinition> rotas, EmailSettings email) = ReadPlaybook(document);
        ReleaseWorkflowDefinition releases = ReadReleases(document);
        Hub.Domain.Catalog.ServiceCatalog catalog = ReadServices(document);
        IReadOnlyList<Hub.Domain.Sites.Site> sites = ReadSites(document, catalog);
        context.CheckReferences("connector", connectors.Select(c => c.Name));

        // A section that is not a list at all has already been reported; its references would only repeat that.
        if (document.Value("queues", required: false) is YamlSequenceNode)
        {
            context.CheckReferences(QueueKind, queues.Select(q => q.Name));
        }

        if (document.Value("lifecycles", required: false) is YamlSequenceNode)
        {
            context.CheckReferences(LifecycleKind, lifecycles.Select(l => l.Name));
        }

        if (document.Value("contacts", required: false) is null or YamlSequenceNode)
        {
            context.CheckReferences(ContactKind, contacts.Select(c => c.Name));
        }

        return mail is null || alerts is null ? null : new HubConfiguration(lifecycles, queues, contacts, mail, alerts, sources)
        {
            Connectors = connectors,
            Releases = releases,
            Incidents = incidents,
            Rotas = rotas,
            Email = email,
            Catalog = catalog,
            Sites = sites,
        };
    }

    /// <summary>A required name of an item in a list, checked against <paramref name="pattern"/> and remembered for the duplicate check.</summary>
    private string? Name(MappingReader item, List<Named> names, System.Text.RegularExpressions.Regex pattern, string what)
    {
        string? name = item.Text("name", required: true);
        if (name is null)
        {
            return null;
        }

        YamlNode node = item.Value("name", required: false)!;
        if (!pattern.IsMatch(name))
        {
            context.Error(node, item.PathOf("name"), $"'{name}' is not a valid {what} name ({Describe(pattern)})");
        }

        names.Add(new Named(name, node, item.PathOf("name")));
        return name;
    }

    /// <summary>A value that must name something defined elsewhere; checked when the whole document has been read.</summary>
    private string? Reference(MappingReader item, string key, string kind, bool required)
    {
        string? name = item.Text(key, required);
        if (name is not null)
        {
            context.Refer(kind, name, item.Value(key, required: false)!, item.PathOf(key));
        }

        return name;
    }

    private void CheckAddress(Named address, bool allowLocalPart = false)
    {
        if (!ConfigurationPatterns.Address().IsMatch(address.Name) && !(allowLocalPart && ConfigurationPatterns.LocalPart().IsMatch(address.Name)))
        {
            context.Error(address.Node, address.Path, allowLocalPart
                ? $"'{address.Name}' is not a mail address or local part (name@example.org or name)"
                : $"'{address.Name}' is not a mail address (name@example.org)");
        }
    }

    private static string Describe(System.Text.RegularExpressions.Regex pattern) =>
        pattern.ToString() == ConfigurationPatterns.FieldName().ToString()
            ? "letters, digits, spaces, '.', '_' or '-', up to 64, starting with a letter or digit"
            : "letters, digits, '.', '_' or '-', up to 64, starting with a letter or digit";
}
