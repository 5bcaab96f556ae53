using Hub.Domain.Catalog;

namespace Hub.Domain.Sites;

/// <summary>
/// Turns a site command into ordered steps. The start order is ascending startup rank (equal ranks in the site's
/// listed order), each service's nodes in its tiers' order and then as listed. Start and Status follow it; Stop is
/// its exact reverse. Update stop-all stops everything (reverse order), then for each service in start order
/// installs, configures and starts each node before the next. Update rolling takes one server tier at a time (the
/// tier whose lowest-ranked service ranks lowest first, e.g. App before Web) and in it one node at a time, in start
/// order: stop, install, configure, start; it refuses a service with a single node in a server tier of a deployment
/// tier, since that service would stop serving there.
/// </summary>
public static class SitePlanner
{
    private static readonly StepCommand[] UpdateNode = [StepCommand.Install, StepCommand.Configure, StepCommand.Start];
    private static readonly StepCommand[] RollNode = [StepCommand.Stop, StepCommand.Install, StepCommand.Configure, StepCommand.Start];

    public static Validated<SitePlan> Plan(Site site, ServiceCatalog catalog, SiteCommand command, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        var p = new ProblemList();
        foreach (CatalogProblem problem in SiteValidator.Validate(site, catalog))
        {
            p.Add(problem.Path, problem.Rule, problem.Message);
        }

        p.Name("runId", options.RunId);
        if (!Enum.IsDefined(command))
        {
            p.Add("command", CatalogRule.UnknownValue, $"command {(int)command} is not one of {string.Join(", ", Enum.GetNames<SiteCommand>())}.");
        }

        if (!Enum.IsDefined(options.Strategy))
        {
            p.Add("strategy", CatalogRule.UnknownValue, $"strategy {(int)options.Strategy} is not stop-all or rolling.");
        }

        if (options.Tier is { } tier && !TierNames.IsKnown(tier))
        {
            p.Add("tier", CatalogRule.UnknownTier, $"tier '{tier}' is not a tier; tiers are {string.Join(", ", TierNames.Known)}.");
        }

        if (p.Items.Count > 0)
        {
            return Validated<SitePlan>.Invalid(p.Items);
        }

        List<Unit> order = StartOrder(site, catalog, options.Tier, p);
        bool rolling = command == SiteCommand.Update && options.Strategy == UpdateStrategy.Rolling;
        if (rolling)
        {
            CheckRolling(site, order, p);
        }

        if (p.Items.Count > 0)
        {
            return Validated<SitePlan>.Invalid(p.Items);
        }

        IEnumerable<(Unit Unit, StepCommand Command)> steps = command switch
        {
            SiteCommand.Start => order.Select(u => (u, StepCommand.Start)),
            SiteCommand.Status => order.Select(u => (u, StepCommand.Status)),
            SiteCommand.Stop => Enumerable.Reverse(order).Select(u => (u, StepCommand.Stop)),
            SiteCommand.Update when rolling => Rolling(order).SelectMany(u => RollNode.Select(c => (u, c))),
            SiteCommand.Update => Enumerable.Reverse(order).Select(u => (u, StepCommand.Stop))
                .Concat(order.SelectMany(u => UpdateNode.Select(c => (u, c)))),
            _ => order.Select(u => (u, StepCommand.Status)), // unreachable: an undefined command was refused above
        };
        var planned = steps
            .Select((s, i) => new PlannedStep(
                i, PlannedStep.IdOf(options.RunId, i, s.Unit.Service, s.Unit.Node.Name, s.Command),
                s.Unit.Service, s.Unit.Tier.Name, s.Unit.Node.Name, s.Unit.Node.ServerTier, s.Unit.Tier.AgentFor(s.Unit.Node)!, s.Command))
            .ToList();
        return Validated<SitePlan>.Ok(new SitePlan(
            options.RunId, site.Name, command, command == SiteCommand.Update ? options.Strategy : null, options.Tier?.ToUpperInvariant(), options.KeepGoing, planned));
    }

    /// <summary>Every (service, node) the command reaches, in start order; a member without a node adds a problem.</summary>
    private static List<Unit> StartOrder(Site site, ServiceCatalog catalog, string? tier, ProblemList p)
    {
        var units = new List<Unit>();
        var empty = new List<(int Index, string Message)>();
        var members = site.Services
            .Select((m, i) => (Index: i, Record: catalog.Service(m.Service)!))
            .OrderBy(m => m.Record.StartupRank!.Value)
            .ThenBy(m => m.Index);
        foreach ((int index, ServiceRecord record) in members)
        {
            var nodes = record.Tiers
                .Where(t => tier is null || TierNames.Same(t.Name, tier))
                .SelectMany(t => t.Nodes.Select(n => new Unit(index, record.Name, record.StartupRank!.Value, t, n)))
                .ToList();
            foreach (Unit unit in nodes.Where(u => u.Tier.AgentFor(u.Node) is null))
            {
                // The catalog keeps only valid records, which name an agent for every node; a plan never sends a step nowhere.
                p.Add($"services[{index}]", CatalogRule.Required, $"Service '{record.Name}' names no agentUrl for node {unit.Node.Name} in tier {unit.Tier.Name}.");
            }

            if (nodes.Count == 0)
            {
                empty.Add((index, tier is null ? $"Service '{record.Name}' has no node in any tier." : $"Service '{record.Name}' has no node in tier {tier}."));
            }

            units.AddRange(nodes);
        }

        foreach ((int index, string message) in empty.OrderBy(e => e.Index))
        {
            p.Add($"services[{index}]", CatalogRule.NoNodes, message);
        }

        return units;
    }

    private static void CheckRolling(Site site, List<Unit> order, ProblemList p)
    {
        foreach (var single in order.GroupBy(u => (u.Member, u.Tier.Name.ToUpperInvariant(), u.Node.ServerTier.ToUpperInvariant())).Where(g => g.Count() == 1))
        {
            Unit only = single.First();
            p.Add($"services[{only.Member}]", CatalogRule.SingleNode,
                $"Service '{site.Services[only.Member].Service}' has one node ({only.Node.Name}) in server tier {only.Node.ServerTier} of {only.Tier.Name}: a rolling update would stop it serving; use stop-all.");
        }
    }

    /// <summary>Server tiers one after another (lowest rank first, then first seen), each in start order.</summary>
    private static IEnumerable<Unit> Rolling(List<Unit> order) =>
        order
            .Select((u, position) => (Unit: u, Position: position))
            .GroupBy(x => x.Unit.Node.ServerTier, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Min(x => x.Unit.Rank))
            .ThenBy(g => g.Min(x => x.Position))
            .SelectMany(g => g.OrderBy(x => x.Position).Select(x => x.Unit));

    private sealed record Unit(int Member, string Service, int Rank, ServiceTier Tier, ServiceNode Node);
}
