using System.Globalization;
using System.Text.RegularExpressions;
using Hub.Domain.Configuration;
using Hub.Domain.Rota;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

// The incident playbook sections: incidents (escalation chain, Recipient List, chasing, post-mortem, hand-off),
// rotas (on-call shifts) and email (outgoing mail identity). Each is optional; absent, DESIGN 5.3's defaults apply.
internal sealed partial class HubDocumentReader
{
    private const string RotaKind = "rota";

    private static readonly Dictionary<string, EscalationTarget> Targets = new()
    {
        ["tech-lead"] = EscalationTarget.TechLead,
        ["team-lead"] = EscalationTarget.TeamLead,
        ["manager"] = EscalationTarget.Manager,
        ["address"] = EscalationTarget.Address,
    };

    private static readonly Dictionary<string, ShiftLength> Shifts = new()
    {
        ["daily"] = ShiftLength.Daily,
        ["weekly"] = ShiftLength.Weekly,
    };

    private (IncidentSettings Incidents, IReadOnlyList<RotaDefinition> Rotas, EmailSettings Email) ReadPlaybook(MappingReader document)
    {
        var rotaNames = new List<Named>();
        IReadOnlyList<RotaDefinition> rotas = ReadRotas(document, rotaNames);
        IncidentSettings incidents = ReadIncidents(document);
        EmailSettings email = ReadEmail(document);
        if (document.Value("incidents", required: false) is not null)
        {
            // Against every rota written, so a rota with an error of its own is not reported as missing too.
            context.CheckReferences(RotaKind, rotaNames.Select(r => r.Name));
        }

        return (incidents, rotas, email);
    }

    private IncidentSettings ReadIncidents(MappingReader document)
    {
        IncidentSettings defaults = IncidentSettings.Default;
        if (document.Value("incidents", required: false) is not { } node
            || MappingReader.Open(node, "incidents", context,
                "rota", "escalation", "repeats", "recipientLists", "endUserList", "endUserServices", "chaseAfter", "chaseLeadAfter",
                "postMortemWorkingDays", "reminderTime", "teamList", "tierManagers", "handOffConnector") is not { } section)
        {
            return defaults;
        }

        string rota = Reference(section, "rota", RotaKind, required: true) ?? defaults.Rota;
        var levels = new List<EscalationLevel>();
        foreach (var (levelNode, path) in section.List("escalation"))
        {
            if (MappingReader.Open(levelNode, path, context, "name", "target", "ackWithin", "address") is not { } level)
            {
                continue;
            }

            string? name = level.Text("name", required: true);
            EscalationTarget? target = level.Choice("target", Targets, required: true);
            TimeSpan? within = Duration(level, "ackWithin", required: true);
            string? address = level.Text("address", required: target == EscalationTarget.Address);
            if (address is not null)
            {
                CheckAddress(new Named(address, level.Value("address", required: false)!, level.PathOf("address")));
            }

            if (name is not null && target is not null && within is not null)
            {
                levels.Add(new EscalationLevel(name, target.Value, within.Value, address));
            }
        }

        IReadOnlyList<string> lists = section.Value("recipientLists", required: false) is null
            ? defaults.RecipientLists
            : [.. section.TextList("recipientLists").Select(n => Refer(n))];
        string? endUser = section.Value("endUserList", required: false) is null ? defaults.EndUserList : Reference(section, "endUserList", ContactKind, required: false);
        string? team = section.Value("teamList", required: false) is null ? defaults.TeamList : Reference(section, "teamList", ContactKind, required: false);

        var managers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (section.Value("tierManagers", required: false) is { } tiersNode)
        {
            if (tiersNode is not YamlMappingNode tiers)
            {
                context.Error(tiersNode, section.PathOf("tierManagers"), "must be a mapping of tier -> list of addresses");
            }
            else if (MappingReader.Open(tiers, section.PathOf("tierManagers"), context, [.. tiers.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")]) is { } tierReader)
            {
                foreach (string tier in tiers.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? ""))
                {
                    IReadOnlyList<Named> addresses = tierReader.TextList(tier, required: true);
                    foreach (Named address in addresses)
                    {
                        CheckAddress(address);
                    }

                    managers[tier] = [.. addresses.Select(a => a.Name)];
                }
            }
        }

        return new IncidentSettings(
            section.Value("escalation", required: false) is null ? defaults.Escalation : levels,
            section.Integer("repeats", 1, 20) ?? defaults.Repeats,
            rota,
            lists,
            endUser,
            section.Value("endUserServices", required: false) is null ? defaults.EndUserServices : [.. section.TextList("endUserServices").Select(n => n.Name)],
            Duration(section, "chaseAfter", required: false) ?? defaults.ChaseAfter,
            Duration(section, "chaseLeadAfter", required: false) ?? defaults.ChaseLeadAfter,
            section.Integer("postMortemWorkingDays", 1, 60) ?? defaults.PostMortemWorkingDays,
            TimeOfDay(section, "reminderTime") ?? defaults.ReminderTime,
            team,
            managers,
            section.Text("handOffConnector"));
    }

    private string Refer(Named list)
    {
        context.Refer(ContactKind, list.Name, list.Node, list.Path);
        return list.Name;
    }

    private List<RotaDefinition> ReadRotas(MappingReader document, List<Named> names)
    {
        var rotas = new List<RotaDefinition>();
        foreach (var (node, path) in document.List("rotas"))
        {
            if (MappingReader.Open(node, path, context, "name", "timeZone", "shift", "handover", "start", "teamLead", "manager", "members", "overrides") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "rota");
            TimeZoneInfo? zone = Zone(item);
            ShiftLength? shift = item.Choice("shift", Shifts, required: true);
            TimeOnly handover = TimeOfDay(item, "handover") ?? new TimeOnly(9, 0);
            DateOnly? start = Date(item, "start");
            string? lead = Address(item, "teamLead", required: true);
            string? manager = Address(item, "manager", required: true);

            var members = new List<RotaMember>();
            var memberNames = new List<Named>();
            foreach (var (memberNode, memberPath) in item.List("members", required: true))
            {
                if (MappingReader.Open(memberNode, memberPath, context, "name", "address", "lead") is not { } member)
                {
                    continue;
                }

                string? memberName = Name(member, memberNames, ConfigurationPatterns.Name(), "member");
                string? address = Address(member, "address", required: true);
                string? memberLead = Address(member, "lead", required: false);
                if (memberName is not null && address is not null)
                {
                    members.Add(new RotaMember(memberName, address, memberLead));
                }
            }

            context.CheckUnique("member name", memberNames);
            var overrides = new List<RotaOverride>();
            foreach (var (overrideNode, overridePath) in item.List("overrides"))
            {
                if (MappingReader.Open(overrideNode, overridePath, context, "from", "to", "member") is not { } swap)
                {
                    continue;
                }

                DateTime? from = LocalDateTime(swap, "from");
                DateTime? to = LocalDateTime(swap, "to");
                string? member = swap.Text("member", required: true);
                if (member is not null && !memberNames.Any(m => string.Equals(m.Name, member, StringComparison.OrdinalIgnoreCase)))
                {
                    context.Error(swap.Value("member", required: false)!, swap.PathOf("member"), $"'{member}' is not a member of this rota");
                }

                if (from is not null && to is not null && to <= from)
                {
                    context.Error(swap.Value("to", required: false)!, swap.PathOf("to"), "must be after 'from'");
                }
                else if (from is not null && to is not null && member is not null && zone is not null)
                {
                    overrides.Add(new RotaOverride(OnCall.LocalToUtc(zone, from.Value), OnCall.LocalToUtc(zone, to.Value), member));
                }
            }

            if (name is not null && zone is not null && shift is not null && start is not null && lead is not null && manager is not null && members.Count > 0)
            {
                rotas.Add(new RotaDefinition(name, zone, shift.Value, handover, start.Value, members, overrides, lead, manager));
            }
        }

        context.CheckUnique("rota name", names);
        return rotas;
    }

    private EmailSettings ReadEmail(MappingReader document)
    {
        EmailSettings defaults = EmailSettings.Default;
        if (document.Value("email", required: false) is not { } node
            || MappingReader.Open(node, "email", context, "from", "fromName", "replyTo", "categories") is not { } section)
        {
            return defaults;
        }

        return new EmailSettings(
            Address(section, "from", required: true) ?? defaults.From,
            section.Text("fromName") ?? defaults.FromName,
            Address(section, "replyTo", required: false) ?? defaults.ReplyTo,
            section.Value("categories", required: false) is null ? defaults.Categories : [.. section.TextList("categories").Select(c => c.Name)]);
    }

    private string? Address(MappingReader item, string key, bool required)
    {
        string? address = item.Text(key, required);
        if (address is not null)
        {
            CheckAddress(new Named(address, item.Value(key, required: false)!, item.PathOf(key)));
        }

        return address;
    }

    private TimeZoneInfo? Zone(MappingReader item)
    {
        string? id = item.Text("timeZone", required: true);
        if (id is null)
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            context.Error(item.Value("timeZone", required: false)!, item.PathOf("timeZone"), $"'{id}' is not a known time zone (use an IANA id such as Europe/Zurich)");
            return null;
        }
    }

    private DateOnly? Date(MappingReader item, string key)
    {
        string? text = item.Text(key, required: true);
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            return date;
        }

        context.Error(item.Value(key, required: false)!, item.PathOf(key), $"'{text}' must be a date yyyy-MM-dd");
        return null;
    }

    private DateTime? LocalDateTime(MappingReader item, string key)
    {
        string? text = item.Text(key, required: true);
        if (text is null)
        {
            return null;
        }

        if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime value))
        {
            return value;
        }

        context.Error(item.Value(key, required: false)!, item.PathOf(key), $"'{text}' must be a local date and time yyyy-MM-ddTHH:mm in the rota's time zone");
        return null;
    }

    private TimeOnly? TimeOfDay(MappingReader item, string key)
    {
        string? text = item.Text(key);
        if (text is null)
        {
            return null;
        }

        if (TimeOnly.TryParseExact(text, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly time))
        {
            return time;
        }

        context.Error(item.Value(key, required: false)!, item.PathOf(key), $"'{text}' must be a time of day HH:mm");
        return null;
    }

    /// <summary>Any <see cref="ConfigDuration"/> form ("15m", "hh:mm:ss", ISO 8601 "PT15M"); positive and at most 30 days.</summary>
    private TimeSpan? Duration(MappingReader item, string key, bool required)
    {
        string? text = item.Text(key, required);
        if (text is null)
        {
            return null;
        }

        if (ConfigDuration.Parse(text) is not { } span || span <= TimeSpan.Zero || span > TimeSpan.FromDays(30))
        {
            context.Error(item.Value(key, required: false)!, item.PathOf(key), $"'{text}' must be a positive duration up to 30 days ({ConfigDuration.Forms})");
            return null;
        }

        return span;
    }
}
