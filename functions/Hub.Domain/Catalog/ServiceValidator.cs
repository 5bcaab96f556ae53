namespace Hub.Domain.Catalog;

/// <summary>
/// Checks a service record field by field and returns every problem, each with the field's path and rule; an empty
/// list means the record may be kept. Free-text fields (description, DR category, backup and resilience notes,
/// patching) are not checked.
/// </summary>
public static class ServiceValidator
{
    public static IReadOnlyList<CatalogProblem> Validate(ServiceRecord service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var problems = new ProblemList();
        Check(service, "", problems);
        return problems.Items;
    }

    /// <summary>Every record of the catalog (paths start <c>services[i].</c>), and service names unique.</summary>
    public static IReadOnlyList<CatalogProblem> Validate(ServiceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new ProblemList();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < catalog.Services.Count; i++)
        {
            ServiceRecord service = catalog.Services[i];
            Check(service, $"services[{i}].", problems);
            if (!string.IsNullOrWhiteSpace(service.Name) && !seen.Add(service.Name))
            {
                problems.Add($"services[{i}].name", CatalogRule.Duplicate, $"Service '{service.Name}' is catalogued twice.");
            }
        }

        return problems.Items;
    }

    private static void Check(ServiceRecord s, string at, ProblemList p)
    {
        p.Name($"{at}name", s.Name);
        if (s.StartupRank < 0)
        {
            p.Add($"{at}startupRank", CatalogRule.NonNegative, $"{at}startupRank must be 0 or more; it is {s.StartupRank}.");
        }

        if (s.Owners.Count == 0)
        {
            p.Add($"{at}owners", CatalogRule.Required, $"{at}owners needs at least one mail address.");
        }

        Each(s.Owners, $"{at}owners", p.Email);
        Each(s.RecipientLists, $"{at}recipientLists", (path, entry) =>
        {
            // A Recipient List entry is a contact list's name or an address.
            if (entry?.Contains('@', StringComparison.Ordinal) == true)
            {
                p.Email(path, entry);
            }
            else
            {
                p.Name(path, entry);
            }
        });
        p.Url($"{at}runBookUrl", s.RunBookUrl);
        CheckTiers(s, at, p);
        CheckOperations(s, at, p);
        ServiceReleaseWindows.Check(s, at, p);
    }

    private static void CheckTiers(ServiceRecord s, string at, ProblemList p)
    {
        if (s.Tiers.Count == 0)
        {
            p.Add($"{at}tiers", CatalogRule.Required, $"{at}tiers needs at least one tier ({string.Join(", ", TierNames.Known)}).");
            return;
        }

        var tiers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < s.Tiers.Count; i++)
        {
            ServiceTier tier = s.Tiers[i];
            string path = $"{at}tiers[{i}]";
            if (p.Required($"{path}.name", tier.Name))
            {
                if (!TierNames.IsKnown(tier.Name))
                {
                    p.Add($"{path}.name", CatalogRule.UnknownTier, $"{path}.name '{tier.Name}' is not a tier; tiers are {string.Join(", ", TierNames.Known)}.");
                }
                else if (!tiers.Add(tier.Name))
                {
                    p.Add($"{path}.name", CatalogRule.Duplicate, $"Tier {tier.Name} is listed twice.");
                }
            }

            Each(tier.Urls, $"{path}.urls", (u, url) => { if (p.Required(u, url)) { p.Url(u, url); } });
            Each(tier.Managers, $"{path}.managers", p.Email);
            p.Url($"{path}.agentUrl", tier.AgentUrl, httpsOnly: true);
            CheckNodes(tier, path, p);
            CheckCertificates(tier, path, p);
        }
    }

    private static void CheckNodes(ServiceTier tier, string path, ProblemList p)
    {
        var nodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int j = 0; j < tier.Nodes.Count; j++)
        {
            ServiceNode node = tier.Nodes[j];
            string n = $"{path}.nodes[{j}]";
            p.Name($"{n}.name", node.Name);
            if (!string.IsNullOrWhiteSpace(node.Name) && !nodes.Add(node.Name))
            {
                p.Add($"{n}.name", CatalogRule.Duplicate, $"Node '{node.Name}' is listed twice in tier {tier.Name}.");
            }

            p.Name($"{n}.serverTier", node.ServerTier);
            if (node.AgentUrl is null && tier.AgentUrl is null)
            {
                p.Add($"{n}.agentUrl", CatalogRule.Required, $"{n}.agentUrl is required: neither the node nor tier {tier.Name} names an agent.");
            }

            p.Url($"{n}.agentUrl", node.AgentUrl, httpsOnly: true);
        }
    }

    private static void CheckCertificates(ServiceTier tier, string path, ProblemList p)
    {
        var seen = new HashSet<(string, string, DateTimeOffset?)>();
        for (int j = 0; j < tier.Certificates.Count; j++)
        {
            ServiceCertificate cert = tier.Certificates[j];
            string c = $"{path}.certificates[{j}]";
            p.Required($"{c}.commonName", cert.CommonName);
            if (cert.Expiry is null)
            {
                p.Add($"{c}.expiry", CatalogRule.Required, $"{c}.expiry is required.");
            }
            else if (cert.IssuedAt is { } issued && cert.Expiry <= issued)
            {
                p.Add($"{c}.expiry", CatalogRule.ExpiryBeforeIssue, $"{c}.expiry {cert.Expiry:O} is not after its issue time {issued:O}.");
            }

            if (!seen.Add(((cert.CommonName ?? "").ToUpperInvariant(), (cert.Server ?? "").ToUpperInvariant(), cert.Expiry)))
            {
                p.Add(c, CatalogRule.Duplicate, $"Certificate {cert.CommonName} on {cert.Server ?? "the tier"} expiring {cert.Expiry:O} is listed twice.");
            }
        }
    }

    private static void CheckOperations(ServiceRecord s, string at, ProblemList p)
    {
        Each(s.SupportContacts, $"{at}supportContacts", (c, contact) =>
        {
            p.Required($"{c}.name", contact.Name);
            if (contact.Email is null && string.IsNullOrWhiteSpace(contact.Phone))
            {
                p.Add($"{c}.email", CatalogRule.Required, $"{c} needs an email or a phone number.");
            }
            else if (contact.Email is not null)
            {
                p.Email($"{c}.email", contact.Email);
            }
        });
        Each(s.Users, $"{at}users", (u, user) =>
        {
            p.Required($"{u}.name", user.Name);
            p.Required($"{u}.role", user.Role);
            TierReference(s, $"{u}.tier", user.Tier, p);
        });
        Each(s.DataSources, $"{at}dataSources", (d, source) =>
        {
            p.Required($"{d}.name", source.Name);
            p.Required($"{d}.kind", source.Kind);
            p.Required($"{d}.location", source.Location);
            TierReference(s, $"{d}.tier", source.Tier, p);
        });
        Each(s.ScheduledTasks, $"{at}scheduledTasks", (t, task) =>
        {
            p.Required($"{t}.name", task.Name);
            p.Required($"{t}.schedule", task.Schedule);
            bool tierKnown = TierReference(s, $"{t}.tier", task.Tier, p);
            if (tierKnown)
            {
                NodeReference(s, $"{t}.node", task.Node, task.Tier, p);
            }
        });
        Each(s.StartupSteps, $"{at}startupSteps", (path, step) => p.Required(path, step));
        Each(s.ShutdownSteps, $"{at}shutdownSteps", (path, step) => p.Required(path, step));
        Each(s.Logs, $"{at}logs", (l, location) => { p.Required($"{l}.path", location.Path); NodeReference(s, $"{l}.node", location.Node, null, p); });
        Each(s.Configuration, $"{at}configuration", (l, location) => { p.Required($"{l}.path", location.Path); NodeReference(s, $"{l}.node", location.Node, null, p); });
    }

    /// <summary>An optional reference to one of the service's own tiers; false when it names none of them.</summary>
    private static bool TierReference(ServiceRecord s, string path, string? tier, ProblemList p)
    {
        if (tier is null || s.Tier(tier) is not null)
        {
            return true;
        }

        p.Add(path, CatalogRule.UnknownTier, $"{path} '{tier}' is not one of the service's tiers ({string.Join(", ", s.Tiers.Select(t => t.Name))}).");
        return false;
    }

    /// <summary>An optional reference to a node of <paramref name="tier"/>, or of any tier when it is null.</summary>
    private static void NodeReference(ServiceRecord s, string path, string? node, string? tier, ProblemList p)
    {
        IEnumerable<ServiceTier> where = s.Tiers.Where(t => tier is null || TierNames.Same(t.Name, tier));
        if (node is not null && !where.SelectMany(t => t.Nodes).Any(n => string.Equals(n.Name, node, StringComparison.OrdinalIgnoreCase)))
        {
            p.Add(path, CatalogRule.UnknownNode, $"{path} '{node}' is not a node of {(tier is null ? "the service" : $"tier {tier}")}.");
        }
    }

    private static void Each<T>(IReadOnlyList<T> items, string path, Action<string, T> check)
    {
        for (int i = 0; i < items.Count; i++)
        {
            check($"{path}[{i}]", items[i]);
        }
    }
}
