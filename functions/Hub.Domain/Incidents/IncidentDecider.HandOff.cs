using Hub.Domain.Connectors;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Incidents;

// Bug report hand-off: tier managers notified, Recipient List and Team recorded, the ticket transferred to the team's
// system of record through an outbound connector, the transfer announced to the Recipient List.
public sealed partial class IncidentDecider
{
    /// <summary>Tier managers notified when no tier is named.</summary>
    public const string DefaultTier = "PROD";

    private Result<Decision<IncidentEvent>> RequestHandOff(IncidentState state, HandOff c, DateTimeOffset now)
    {
        if (state.Exists && state.Status != IncidentStatus.HandOffFailed)
        {
            return Reject(state.Kind == IncidentKinds.Urgent
                ? $"Ticket #{state.Ticket} has an urgent incident ({state.Status}); a hand-off is for bug reports."
                : $"Ticket #{state.Ticket} is already {state.Status} to {state.HandOff?.Team}.");
        }

        if (c.Ticket <= 0)
        {
            return Reject($"ticket: must be a positive ticket number; got {c.Ticket}.");
        }

        if (string.IsNullOrWhiteSpace(c.Team))
        {
            return Reject("team: name the team whose system of record takes the ticket.");
        }

        // The team goes into mail subjects and the connector's queue: it is one line.
        if (MultiLine(c.Team, "team") is { } multiLine)
        {
            return Reject(multiLine);
        }

        string? connector = c.Connector ?? Settings.HandOffConnector;
        if (string.IsNullOrWhiteSpace(connector))
        {
            return Reject("connector: name the outbound connector (incidents.handOffConnector sets a default).");
        }

        if (config.Connector(connector.Trim()) is null)
        {
            return Reject($"connector: '{connector}' is not a configured connector (configured: {string.Join(", ", config.Connectors.Select(k => k.Name))}).");
        }

        string tier = string.IsNullOrWhiteSpace(c.Tier) ? DefaultTier : c.Tier.Trim();
        if (TierManagers(c, tier) is not { } found)
        {
            return Reject(NoTierManagers(c, tier));
        }

        (IReadOnlyList<string> managers, string managersFrom) = found;

        Result<IReadOnlyList<string>> extra = Addresses.Normalize(c.Recipients, "recipients");
        if (extra.Reason is { } invalid)
        {
            return Reject(invalid);
        }

        IEnumerable<string> lists = Settings.RecipientLists.Select(l => config.Contacts(l)?.Address).OfType<string>();
        IReadOnlyList<string> recipients = Addresses.Union([extra.Value!, lists], []);
        var requested = new HandOffRequested(
            c.Actor.Name, now, c.Ticket, c.Queue, c.Subject, c.Team.Trim(), connector.Trim(), tier, managers, recipients,
            string.IsNullOrWhiteSpace(c.Service) ? null : c.Service.Trim(), managersFrom);
        IncidentState next = Evolve(state, requested);
        var effects = new List<SideEffect?>
        {
            Mail(next, "handoff-managers", managers, [], $"Bug report handed off to {requested.Team}: {c.Subject}",
                $"""
                Ticket #{c.Ticket} ({c.Queue}) is a bug report and is being transferred to {requested.Team} through {requested.Connector}.
                Tier: {tier} (tier managers from {managersFrom})
                Recipient List: {string.Join(", ", recipients)}
                """),
            RecordOnTicket(next, recipients, requested.Team),
            ConnectorCall.Effect(new ConnectorCall(
                requested.Connector,
                ConnectorCall.Create,
                Queue: string.IsNullOrWhiteSpace(c.ExternalQueue) ? requested.Team : c.ExternalQueue.Trim(),
                Subject: $"[hub #{Number(c.Ticket)}] {c.Subject}",
                // What the reporter wrote is what the team needs; the operator's text replaces it, and only a ticket
                // opened without a body gets the stock sentence.
                Text: !string.IsNullOrWhiteSpace(c.Text) ? c.Text
                    : !string.IsNullOrWhiteSpace(c.Description) ? c.Description
                    : $"Bug report handed off by the Integration Hub from ticket #{Number(c.Ticket)} ({c.Queue}).\nRecipient List: {string.Join(", ", recipients)}",
                LinkBackUrl: c.LinkBackUrl,
                Reply: new ConnectorReply(AggregateKind, Number(c.Ticket), ConnectorReplyType, "connector"),
                Requestors: c.Requestors,
                Cc: c.Cc)),
        };
        return Ok([requested], effects);
    }

    /// <summary>
    /// The tier's managers: the service's catalog record's when it names some for the tier (the catalog is where
    /// operators keep a service's people current), else incidents.tierManagers'; null when neither names anyone.
    /// </summary>
    private (IReadOnlyList<string> Managers, string From)? TierManagers(HandOff c, string tier)
    {
        if (c.Catalog is { } record && record.ManagersOf(tier) is { Count: > 0 } fromRecord)
        {
            return (fromRecord, $"the catalog record of {record.Service}");
        }

        IReadOnlyList<string>? configured = Settings.TierManagers.FirstOrDefault(t => string.Equals(t.Key, tier, StringComparison.OrdinalIgnoreCase)).Value;
        return configured is { Count: > 0 } ? (configured, "incidents.tierManagers") : null;
    }

    /// <summary>The refusal when nobody is found: it names both places looked in and what each has.</summary>
    private string NoTierManagers(HandOff c, string tier)
    {
        string record = c.Catalog is { } facts
            ? facts.TierManagers.Count == 0 ? $"'{facts.Service}' names none" : $"'{facts.Service}' names them for {string.Join(", ", facts.TierManagers.Keys)}"
            : string.IsNullOrWhiteSpace(c.Service) ? "the ticket names no service"
            : $"'{c.Service.Trim()}' is not in the catalog";
        string configured = Settings.TierManagers.Count == 0 ? "none configured" : $"configured: {string.Join(", ", Settings.TierManagers.Keys)}";
        return $"tier: '{tier}' has no tier managers in the service's catalog record ({record}) nor in incidents.tierManagers ({configured}).";
    }

    private static Result<Decision<IncidentEvent>> HandOffOutcome(IncidentState state, HandOffOutcome c, DateTimeOffset now)
    {
        // The outcome names the call by its outbox key, which the incident learns only now; one hand-off is in flight at a time.
        if (state.HandOff is not { } handOff || state.Status != IncidentStatus.HandingOff || c.Operation != ConnectorCall.Create)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; it is waiting for no connector outcome ({c.Operation} {c.CallId}).");
        }

        var recorded = new HandOffRecorded("connector", now, c.CallId, c.Succeeded, c.ExternalId, c.Error, c.WillRetry);
        if (!c.Succeeded)
        {
            SideEffect? failed = c.WillRetry ? null : Mail(state, "handoff-failed", handOff.TierManagers, [], $"Hand-off to {handOff.Team} failed: {state.Subject}",
                $"Transferring ticket #{state.Ticket} to {handOff.Team} through {handOff.Connector} failed: {c.Error}\nRetry with POST /api/incidents/{state.Ticket}/hand-off.");
            return Ok([recorded], [failed]);
        }

        SideEffect? announce = Mail(state, "handoff-announced", state.Recipients, [], $"Transferred to {handOff.Team}: {state.Subject}",
            $"Ticket #{state.Ticket} was transferred to {handOff.Team}'s system of record ({handOff.Connector}) as {c.ExternalId}. Follow-up happens there.");
        SideEffect reference = AggregateCommand.Effect<TicketCommand>(
            TicketDecider.AggregateKind, Number(state.Ticket), new AddExternalRef(Actor.System, handOff.Connector, c.ExternalId ?? c.CallId), "incident");
        return Ok([recorded], [announce, reference]);
    }
}
