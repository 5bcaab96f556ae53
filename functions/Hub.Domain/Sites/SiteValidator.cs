using Hub.Domain.Catalog;

namespace Hub.Domain.Sites;

/// <summary>
/// Checks a site against the catalog and returns every problem: its name, unknown or duplicate members, members
/// without a startup rank, and <c>after</c> dependencies that leave the site, contradict the ranks or form a cycle
/// (the rules are on <see cref="Site"/>).
/// </summary>
public static class SiteValidator
{
    public static IReadOnlyList<CatalogProblem> Validate(Site site, ServiceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(catalog);
        var p = new ProblemList();
        p.Name("name", site.Name);
        IReadOnlyList<SiteMember> members = site.Services;
        if (members.Count == 0)
        {
            p.Add("services", CatalogRule.Required, "services needs at least one member.");
        }

        var ranks = new Dictionary<string, int?>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < members.Count; i++)
        {
            string path = $"services[{i}].service";
            string? name = members[i].Service;
            if (!p.Required(path, name))
            {
                continue;
            }

            if (ranks.ContainsKey(name))
            {
                p.Add(path, CatalogRule.Duplicate, $"Service '{name}' is a member twice.");
            }
            else if (catalog.Service(name) is not { } record)
            {
                p.Add(path, CatalogRule.UnknownService, $"Service '{name}' is not in the catalog.");
            }
            else
            {
                ranks[name] = record.StartupRank;
                if (record.StartupRank is null)
                {
                    p.Add(path, CatalogRule.MissingRank, $"Service '{name}' has no startupRank, so it has no place in the site's start order.");
                }
            }
        }

        for (int i = 0; i < members.Count; i++)
        {
            CheckAfter(members[i], i, ranks, p);
        }

        foreach ((int index, IReadOnlyList<string> cycle) in Cycles(members))
        {
            p.Add($"services[{index}].after", CatalogRule.Cycle, $"Startup dependencies form a cycle: {string.Join(" -> ", cycle)}.");
        }

        for (int i = 0; i < site.RecipientLists.Count; i++)
        {
            string entry = site.RecipientLists[i];
            if (entry?.Contains('@', StringComparison.Ordinal) == true)
            {
                p.Email($"recipientLists[{i}]", entry);
            }
            else
            {
                p.Name($"recipientLists[{i}]", entry);
            }
        }

        return p.Items;
    }

    private static void CheckAfter(SiteMember member, int i, Dictionary<string, int?> ranks, ProblemList p)
    {
        for (int j = 0; j < member.After.Count; j++)
        {
            string path = $"services[{i}].after[{j}]";
            string dependency = member.After[j];
            if (!p.Required(path, dependency))
            {
                continue;
            }

            if (!ranks.TryGetValue(dependency, out int? before))
            {
                p.Add(path, CatalogRule.NotInSite, $"'{dependency}' is not a catalogued member of the site, so '{member.Service}' cannot start after it.");
            }
            else if (string.Equals(dependency, member.Service, StringComparison.OrdinalIgnoreCase))
            {
                continue; // a self-dependency is the shortest cycle: reported once, as Cycle
            }
            else if (before is { } b && ranks.GetValueOrDefault(member.Service ?? "") is { } own && b >= own)
            {
                p.Add(path, CatalogRule.RankOrder, $"'{member.Service}' (rank {own}) starts after '{dependency}' (rank {b}): its rank must be lower than {own}.");
            }
        }
    }

    /// <summary>Each cycle once (as first found from the earliest member on it), with the member index to report it at.</summary>
    private static List<(int Index, IReadOnlyList<string> Cycle)> Cycles(IReadOnlyList<SiteMember> members)
    {
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < members.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(members[i].Service))
            {
                index.TryAdd(members[i].Service, i);
            }
        }

        var found = new List<(int, IReadOnlyList<string>)>();
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var path = new List<string>();

        void Visit(string service)
        {
            int onPath = path.FindIndex(s => string.Equals(s, service, StringComparison.OrdinalIgnoreCase));
            if (onPath >= 0)
            {
                List<string> cycle = [.. path.Skip(onPath), members[index[service]].Service];
                string key = string.Join(">", cycle.Skip(1).Order(StringComparer.OrdinalIgnoreCase)).ToUpperInvariant();
                if (reported.Add(key))
                {
                    found.Add((cycle.Skip(1).Min(s => index[s]), cycle));
                }

                return;
            }

            if (!done.Add(service))
            {
                return;
            }

            path.Add(members[index[service]].Service);
            foreach (string next in members[index[service]].After.Where(a => a is not null && index.ContainsKey(a)))
            {
                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
        }

        foreach (string service in index.Keys)
        {
            Visit(service);
        }

        return found;
    }
}
