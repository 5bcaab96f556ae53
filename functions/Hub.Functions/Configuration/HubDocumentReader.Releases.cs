using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

// The releases: section (docs/releases.md). Absent: ReleaseWorkflowDefinition.Default.
internal sealed partial class HubDocumentReader
{
    /// <summary>References to outbound connectors (the connectors: section) are checked like queues and contact lists.</summary>
    private const string ConnectorKind = "connector";

    private static readonly string[] RecipientTokens =
    [
        ReleaseWorkflowDefinition.Provider, ReleaseWorkflowDefinition.ReleaseManagerToken,
        ReleaseWorkflowDefinition.EarlyAdoptersToken, ReleaseWorkflowDefinition.OwnerToken,
    ];

    private ReleaseWorkflowDefinition ReadReleases(MappingReader document)
    {
        ReleaseWorkflowDefinition defaults = ReleaseWorkflowDefinition.Default;
        if (document.Value("releases", required: false) is not { } node
            || MappingReader.Open(node, "releases", context, "queue", "notify", "adminCc", "owners", "releaseManager", "teams", "earlyAdopters", "deadlines", "emergencyDeadlines", "fetch", "syncBack") is not { } releases)
        {
            return defaults;
        }

        string queue = Reference(releases, "queue", QueueKind, required: false) ?? defaults.Queue;
        var notify = new Dictionary<RolloutProgress, IReadOnlyList<string>>(defaults.Notify);
        foreach (var (state, value, path) in States(releases, "notify"))
        {
            notify[state] = Recipients(value, path);
        }

        var adminCc = new List<string>();
        foreach (Named name in releases.TextList("adminCc"))
        {
            context.Refer(ContactKind, name.Name, name.Node, name.Path);
            adminCc.Add(name.Name);
        }

        var owners = new Dictionary<RolloutProgress, string>();
        foreach (var (state, value, path) in States(releases, "owners"))
        {
            if (MappingReader.Scalar(value, path, context, required: true) is { } owner)
            {
                CheckAddress(new Named(owner, value, path));
                owners[state] = owner;
            }
        }

        string? manager = releases.Text("releaseManager");
        if (manager is not null)
        {
            CheckAddress(new Named(manager, releases.Value("releaseManager", required: false)!, releases.PathOf("releaseManager")));
        }

        IReadOnlyList<string> qc = [], sr = [];
        if (releases.Value("teams", required: false) is { } teamsNode && MappingReader.Open(teamsNode, releases.PathOf("teams"), context, "qc", "sr") is { } teams)
        {
            qc = [.. teams.TextList("qc").Select(n => n.Name)];
            sr = [.. teams.TextList("sr").Select(n => n.Name)];
        }

        var adopters = new List<EarlyAdopterTeam>();
        var adopterNames = new List<Named>();
        foreach (var (item, path) in releases.List("earlyAdopters"))
        {
            if (MappingReader.Open(item, path, context, "name", "ngi", "address") is not { } team)
            {
                continue;
            }

            string? name = Name(team, adopterNames, ConfigurationPatterns.Name(), "early-adopter team");
            string? ngi = team.Text("ngi", required: true);
            string? address = team.Text("address", required: true);
            if (address is not null)
            {
                CheckAddress(new Named(address, team.Value("address", required: false)!, team.PathOf("address")));
            }

            if (name is not null && ngi is not null && address is not null)
            {
                adopters.Add(new EarlyAdopterTeam(name, ngi, address));
            }
        }

        context.CheckUnique("early-adopter team", adopterNames);
        ReleaseFetchLimits fetch = defaults.Fetch;
        if (releases.Value("fetch", required: false) is { } fetchNode && MappingReader.Open(fetchNode, releases.PathOf("fetch"), context, "maxPackageBytes", "timeout", "allowedHosts") is { } f)
        {
            long max = fetch.MaxPackageBytes;
            if (f.Text("maxPackageBytes") is { } text)
            {
                if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out max) || max < 1)
                {
                    context.Error(f.Value("maxPackageBytes", required: false)!, f.PathOf("maxPackageBytes"), $"'{text}' must be a positive whole number of bytes");
                    max = fetch.MaxPackageBytes;
                }
            }

            var hosts = new List<string>();
            foreach (Named host in f.TextList("allowedHosts"))
            {
                string name = host.Name.Trim('[', ']');
                if (name.Length == 0 || name.Length > 253 || name.Any(ch => ch is '/' or '@' or '?' or '#' || char.IsWhiteSpace(ch))
                    || (Uri.CheckHostName(name) == UriHostNameType.Unknown))
                {
                    context.Error(host.Node, host.Path, $"'{host.Name}' must be a host name or IP address (no scheme, port or path)");
                    continue;
                }

                hosts.Add(name);
            }

            fetch = new ReleaseFetchLimits(max, Duration(f, "timeout") ?? fetch.Timeout) { AllowedHosts = hosts };
        }

        var syncBack = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (releases.Value("syncBack", required: false) is { } syncNode)
        {
            if (syncNode is not YamlMappingNode map)
            {
                context.Error(syncNode, releases.PathOf("syncBack"), "must be a mapping of ticket system -> list of connector names");
            }
            else
            {
                foreach (var (key, value) in map.Children)
                {
                    string system = (key as YamlScalarNode)?.Value ?? "";
                    string path = $"{releases.PathOf("syncBack")}.{system}";
                    if (value is not YamlSequenceNode list)
                    {
                        context.Error(value, path, "must be a list of connector names");
                        continue;
                    }

                    var names = new List<string>();
                    for (int i = 0; i < list.Children.Count; i++)
                    {
                        string itemPath = $"{path}[{i}]";
                        if (MappingReader.Scalar(list.Children[i], itemPath, context, required: true) is { } name)
                        {
                            context.Refer(ConnectorKind, name, list.Children[i], itemPath);
                            names.Add(name);
                        }
                    }

                    syncBack[system] = names;
                }
            }
        }

        return new ReleaseWorkflowDefinition(
            queue, notify, adminCc.Count > 0 ? adminCc : defaults.AdminCc, owners, manager, qc, sr, adopters,
            Durations(releases, "deadlines"), Durations(releases, "emergencyDeadlines"), fetch) { SyncBack = syncBack };
    }

    private List<string> Recipients(YamlNode value, string path)
    {
        if (value is not YamlSequenceNode list)
        {
            context.Error(value, path, "must be a list of contact lists, mail addresses or provider, release-manager, early-adopters, owner");
            return [];
        }

        var recipients = new List<string>();
        for (int i = 0; i < list.Children.Count; i++)
        {
            string itemPath = $"{path}[{i}]";
            if (MappingReader.Scalar(list.Children[i], itemPath, context, required: true) is not { } text)
            {
                continue;
            }

            if (!RecipientTokens.Contains(text, StringComparer.Ordinal) && !text.Contains('@', StringComparison.Ordinal))
            {
                context.Refer(ContactKind, text, list.Children[i], itemPath);
            }
            else if (text.Contains('@', StringComparison.Ordinal))
            {
                CheckAddress(new Named(text, list.Children[i], itemPath));
            }

            recipients.Add(text);
        }

        return recipients;
    }

    /// <summary>The entries of a mapping keyed by RolloutProgress state names; unknown states are reported.</summary>
    private IEnumerable<(RolloutProgress State, YamlNode Value, string Path)> States(MappingReader reader, string key)
    {
        if (reader.Value(key, required: false) is not { } node)
        {
            yield break;
        }

        if (node is not YamlMappingNode map)
        {
            context.Error(node, reader.PathOf(key), "must be a mapping of RolloutProgress state -> value");
            yield break;
        }

        foreach (var (k, v) in map.Children)
        {
            string name = (k as YamlScalarNode)?.Value ?? "";
            string path = $"{reader.PathOf(key)}.{name}";
            if (!Enum.TryParse(name, ignoreCase: false, out RolloutProgress state) || !Enum.IsDefined(state) || int.TryParse(name, out _))
            {
                context.Error(k, path, $"'{name}' is not a RolloutProgress state ({string.Join(", ", Enum.GetNames<RolloutProgress>())})");
                continue;
            }

            yield return (state, v, path);
        }
    }

    private Dictionary<RolloutProgress, TimeSpan> Durations(MappingReader reader, string key)
    {
        var durations = new Dictionary<RolloutProgress, TimeSpan>();
        foreach (var (state, value, path) in States(reader, key))
        {
            if (MappingReader.Scalar(value, path, context, required: true) is { } text && ParseDuration(text) is { } duration)
            {
                durations[state] = duration;
            }
            else
            {
                context.Error(value, path, "must be a positive ISO 8601 duration such as P2D, PT8H or P1DT12H");
            }
        }

        return durations;
    }

    private TimeSpan? Duration(MappingReader reader, string key)
    {
        if (reader.Text(key) is not { } text)
        {
            return null;
        }

        TimeSpan? duration = ParseDuration(text);
        if (duration is null)
        {
            context.Error(reader.Value(key, required: false)!, reader.PathOf(key), $"'{text}' must be a positive ISO 8601 duration such as PT10M");
        }

        return duration;
    }

    // The one configuration duration parser: ISO 8601 as documented here, and the short forms the incidents section uses.
    private static TimeSpan? ParseDuration(string text) =>
        ConfigDuration.Parse(text) is { } value && value > TimeSpan.Zero ? value : null;
}
