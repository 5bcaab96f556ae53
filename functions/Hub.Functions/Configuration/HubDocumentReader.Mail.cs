using Hub.Domain.Configuration;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    private MailIntakeDefinition? ReadMail(MappingReader document)
    {
        if (document.Value("mail", required: true) is not { } node
            || MappingReader.Open(node, "mail", context,
                "routes", "rules", "monitoringSenders", "internalDomains", "defaultQueue", "monitoringQueue") is not { } mail)
        {
            return null;
        }

        var routes = new List<MailRoute>();
        var addresses = new List<Named>();
        foreach (var (routeNode, path) in mail.List("routes"))
        {
            if (MappingReader.Open(routeNode, path, context, "address", "queue") is not { } item)
            {
                continue;
            }

            string? address = item.Text("address", required: true);
            if (address is not null)
            {
                var named = new Named(address, item.Value("address", required: false)!, item.PathOf("address"));
                CheckAddress(named, allowLocalPart: true);
                addresses.Add(named);
            }

            string? queue = Reference(item, "queue", QueueKind, required: true);
            routes.Add(new MailRoute(address ?? "", queue ?? ""));
        }

        context.CheckUnique("route address", addresses);

        var rules = new List<MailRule>();
        var names = new List<Named>();
        foreach (var (ruleNode, path) in mail.List("rules"))
        {
            if (MappingReader.Open(ruleNode, path, context, "name", "subject", "queue", "fromQueue") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "rule");
            string? subject = item.Text("subject", required: true);
            if (subject is not null)
            {
                CheckRegex(subject, item, "subject");
            }

            string? queue = Reference(item, "queue", QueueKind, required: true);
            string? fromQueue = Reference(item, "fromQueue", QueueKind, required: false);
            rules.Add(new MailRule(name ?? "", subject ?? "", queue ?? "", fromQueue));
        }

        context.CheckUnique("rule name", names);

        IReadOnlyList<Named> senders = mail.TextList("monitoringSenders");
        foreach (Named sender in senders)
        {
            CheckAddress(sender);
        }

        IReadOnlyList<Named> domains = mail.TextList("internalDomains");
        foreach (Named domain in domains.Where(d => !ConfigurationPatterns.Domain().IsMatch(d.Name)))
        {
            context.Error(domain.Node, domain.Path, $"'{domain.Name}' is not a domain name (example.org)");
        }

        string? defaultQueue = Reference(mail, "defaultQueue", QueueKind, required: true);
        string? monitoringQueue = Reference(mail, "monitoringQueue", QueueKind, required: true);
        return new MailIntakeDefinition(routes, rules, [.. senders.Select(s => s.Name)], [.. domains.Select(d => d.Name)], defaultQueue ?? "", monitoringQueue ?? "");
    }
}
