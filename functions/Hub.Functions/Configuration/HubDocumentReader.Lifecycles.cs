using Hub.Domain.Configuration;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    private static readonly Dictionary<string, StatusKind> StatusKinds = new()
    {
        ["initial"] = StatusKind.Initial,
        ["active"] = StatusKind.Active,
        ["inactive"] = StatusKind.Inactive,
    };

    private static readonly Dictionary<string, Role> Roles = new()
    {
        ["integrator"] = Role.Integrator,
        ["operator"] = Role.Operator,
        ["developer"] = Role.Developer,
        ["app-admin"] = Role.AppAdmin,
        ["logs-reader"] = Role.LogsReader,
    };

    private List<LifecycleDefinition> ReadLifecycles(MappingReader document)
    {
        var lifecycles = new List<LifecycleDefinition>();
        var names = new List<Named>();
        foreach (var (node, path) in document.List("lifecycles", required: true))
        {
            if (MappingReader.Open(node, path, context, "name", "statuses", "transitions") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "lifecycle");
            List<StatusDefinition> statuses = ReadStatuses(item, out List<Named> statusNames);
            List<TransitionDefinition> transitions = ReadTransitions(item, statusNames);
            lifecycles.Add(new LifecycleDefinition(name ?? "", statuses, transitions));
        }

        context.CheckUnique("lifecycle name", names);
        return lifecycles;
    }

    private List<StatusDefinition> ReadStatuses(MappingReader lifecycle, out List<Named> names)
    {
        var statuses = new List<StatusDefinition>();
        names = [];
        foreach (var (node, path) in lifecycle.List("statuses", required: true))
        {
            if (MappingReader.Open(node, path, context, "name", "kind") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "status");
            StatusKind? kind = item.Choice("kind", StatusKinds, required: true);
            if (name is not null && kind is not null)
            {
                statuses.Add(new StatusDefinition(name, kind.Value));
            }
        }

        context.CheckUnique("status", names);
        if (lifecycle.Value("statuses", required: false) is YamlSequenceNode { Children.Count: > 0 } list
            && statuses.Count == names.Count && !statuses.Any(s => s.Kind == StatusKind.Initial))
        {
            context.Error(list, lifecycle.PathOf("statuses"), "needs at least one status of kind initial");
        }

        return statuses;
    }

    /// <summary>Transitions; <c>from</c> and <c>to</c> may each list several statuses: one transition per pair.</summary>
    private List<TransitionDefinition> ReadTransitions(MappingReader lifecycle, List<Named> statuses)
    {
        var transitions = new List<TransitionDefinition>();
        var seen = new List<Named>();
        foreach (var (node, path) in lifecycle.List("transitions"))
        {
            if (MappingReader.Open(node, path, context, "from", "to", "role") is not { } item)
            {
                continue;
            }

            IReadOnlyList<Named> from = OneOrMany(item, "from");
            IReadOnlyList<Named> to = OneOrMany(item, "to");
            Role? role = item.Choice("role", Roles, required: true);

            foreach (Named status in from.Concat(to).Where(e => !statuses.Any(s => string.Equals(s.Name, e.Name, StringComparison.OrdinalIgnoreCase))))
            {
                context.Error(status.Node, status.Path, $"'{status.Name}' is not a status of this lifecycle");
            }

            if (role is null)
            {
                continue;
            }

            foreach (Named source in from)
            {
                foreach (Named target in to)
                {
                    if (string.Equals(source.Name, target.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        context.Error(target.Node, target.Path, $"a transition must change the status ('{source.Name}' -> '{target.Name}')");
                        continue;
                    }

                    seen.Add(new Named($"{source.Name} -> {target.Name}", source.Node, source.Path));
                    transitions.Add(new TransitionDefinition(source.Name, target.Name, role.Value));
                }
            }
        }

        context.CheckUnique("transition", seen);
        return transitions;
    }

    private IReadOnlyList<Named> OneOrMany(MappingReader item, string key) => item.Value(key, required: true) switch
    {
        null => [],
        YamlSequenceNode => item.TextList(key, required: true),
        YamlNode node => MappingReader.Scalar(node, item.PathOf(key), context, required: true) is { } single ? [new Named(single, node, item.PathOf(key))] : [],
    };
}
