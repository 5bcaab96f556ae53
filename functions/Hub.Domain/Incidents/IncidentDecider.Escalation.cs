using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Rota;
using Hub.Domain.Tickets;

namespace Hub.Domain.Incidents;

// Opening, the escalation chain and its acknowledgement, and the Recipient List.
public sealed partial class IncidentDecider
{
    private Result<Decision<IncidentEvent>> Open(IncidentState state, OpenIncident c, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return Reject($"Ticket #{state.Ticket} already has an incident ({state.Status}, opened {Format(state.OpenedAt)}).");
        }

        if (c.Ticket <= 0)
        {
            return Reject($"Ticket must be a positive ticket number; got {c.Ticket}.");
        }

        RotaDefinition? rota = config.Rota(Settings.Rota);
        if (rota is null || rota.Members.Count == 0)
        {
            return Reject($"The on-call rota '{Settings.Rota}' (incidents.rota) is not configured or has no members: nobody can be paged.");
        }

        if (Settings.Escalation.Count == 0)
        {
            return Reject("The escalation chain (incidents.escalation) is empty: nobody can be paged.");
        }

        RotaMember onCall = OnCall.At(rota, now).Member;
        bool endUser = c.EndUserFacing
            || (c.Service is { } service && Settings.EndUserServices.Contains(service, StringComparer.OrdinalIgnoreCase));
        string? initiator = c.Initiator is { } i && Addresses.IsValid(i) ? i.Trim().ToLowerInvariant() : null;
        var lists = new List<string>();
        foreach (string list in Settings.RecipientLists.Concat(endUser && Settings.EndUserList is { } eu ? [eu] : []))
        {
            if (config.Contacts(list) is { } contact)
            {
                lists.Add(contact.Address);
            }
        }

        IReadOnlyList<string> recipients = Addresses.Union([initiator is null ? [] : [initiator], lists], []);
        var opened = new IncidentOpened(
            c.Actor.Name, now, c.Ticket, c.Queue, c.Subject, c.Service, endUser, initiator, rota.Name,
            new Responder(onCall.Name, onCall.Address), rota.LeadOf(onCall), rota.Manager, recipients,
            c.Catalog?.RunBookUrl, c.Catalog?.DrCategory);
        IncidentState next = Evolve(state, opened);
        (Paged page, SideEffect pageMail) = Page(next, 0, 1, now);

        var effects = new List<SideEffect?>
        {
            Mail(next, "incident-opened", recipients, [],
                $"URGENT incident opened: {c.Subject}",
                $"""
                An urgent incident was opened for ticket #{c.Ticket} ({c.Queue}): {c.Subject}
                Service: {c.Service ?? "unknown"}{(endUser ? " (end-user facing)" : "")}{CatalogLines(next)}
                Opened: {Format(now)} by {c.Actor.Name}
                Tech Lead (on call, {rota.Name}): {onCall.Name} <{onCall.Address}>
                This is a preliminary notification; status updates follow. Please do not restart services before the cause is known.
                """),
            pageMail,
            RecordOnTicket(next, recipients, team: null),
        };
        return Ok([opened, page], effects, [new TimerRequest(EscalationTimer, page.Deadline)]);
    }

    private Result<Decision<IncidentEvent>> EscalationDue(IncidentState state, EscalationDue c, DateTimeOffset now)
    {
        if (state.Status != IncidentStatus.Paging || state.Paging is not { } paging)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}: nobody is waiting to be escalated.");
        }

        int level = paging.Level + 1;
        int round = paging.Round;
        if (level >= Settings.Escalation.Count)
        {
            level = 0;
            round++;
        }

        if (round > Settings.Repeats)
        {
            var exhausted = new EscalationExhausted(c.Actor.Name, now, Settings.Repeats);
            string[] everyone = [.. state.Pages.Select(p => p.To).Distinct(StringComparer.OrdinalIgnoreCase)];
            return Ok(
                [exhausted],
                [Mail(state, "incident-unacknowledged", everyone, [],
                    $"UNACKNOWLEDGED incident: {state.Subject}",
                    $"Nobody acknowledged incident #{state.Ticket} after {Settings.Repeats} rounds of the escalation chain ({state.Pages.Count} pages). Paging has stopped; acknowledge it at /api/incidents/{state.Ticket}/acknowledge.{CatalogLines(state)}")]);
        }

        (Paged page, SideEffect mail) = Page(state, level, round, now);
        return Ok([page], [mail], [new TimerRequest(EscalationTimer, page.Deadline)]);
    }

    private (Paged Page, SideEffect Mail) Page(IncidentState state, int level, int round, DateTimeOffset now)
    {
        EscalationLevel definition = Settings.Escalation[level];
        string to = definition.Target switch
        {
            EscalationTarget.TechLead => state.TechLead!.Address,
            EscalationTarget.TeamLead => state.TeamLead ?? state.TechLead!.Address,
            EscalationTarget.Manager => state.Manager ?? state.TeamLead ?? state.TechLead!.Address,
            _ => definition.Address ?? state.TechLead!.Address,
        };
        DateTimeOffset deadline = now + definition.AckWithin;
        var page = new Paged("escalation", now, level, round, definition.Name, to, deadline);
        string earlier = state.Pages.Count == 0 ? "" : $"\nAlready paged without acknowledgement: {string.Join(", ", state.Pages.Select(p => p.To).Distinct(StringComparer.OrdinalIgnoreCase))}.";
        SideEffect mail = Mail(state, "incident-page", [to], [],
            $"PAGE ({definition.Name}, round {round}): acknowledge by {Format(deadline)} - {state.Subject}",
            $"""
            You are paged as {definition.Name} for urgent incident #{state.Ticket}: {state.Subject}
            Acknowledge before {Format(deadline)} (POST /api/incidents/{state.Ticket}/acknowledge), or the next level is paged.
            Tech Lead: {state.TechLead!.Name} <{state.TechLead.Address}>{CatalogLines(state)}{earlier}
            """)!;
        return (page, mail);
    }

    private Result<Decision<IncidentEvent>> Acknowledge(IncidentState state, AcknowledgeIncident c, DateTimeOffset now)
    {
        if (state.Kind != IncidentKinds.Urgent)
        {
            return Reject($"Incident #{state.Ticket} is a bug report hand-off; there is nothing to acknowledge.");
        }

        if (state.Acknowledged is { } ack)
        {
            return Reject($"Incident #{state.Ticket} was already acknowledged by {ack.By} at {Format(ack.At)}.");
        }

        if (state.Status != IncidentStatus.Paging)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; only a paging incident can be acknowledged.");
        }

        // The level is the one last paged, as recorded: the configured chain may have been shortened since.
        PageState paging = state.Paging ?? new PageState(0, 1, now);
        PageRecord? last = state.Pages.Count > 0 ? state.Pages[^1] : null;
        int level = last?.Level ?? paging.Level;
        int round = last?.Round ?? paging.Round;
        string levelName = last?.LevelName ?? Settings.Escalation.ElementAtOrDefault(level)?.Name ?? $"level {level + 1}";
        var acknowledged = new Acknowledged(c.Actor.Name, now, level, round, c.Note);
        string[] paged = [.. state.Pages.Select(p => p.To).Distinct(StringComparer.OrdinalIgnoreCase)];
        SideEffect? mail = Mail(state, "incident-acknowledged", state.Recipients, paged,
            $"Acknowledged by {c.Actor.Name}: {state.Subject}",
            $"Incident #{state.Ticket} was acknowledged by {c.Actor.Name} at {Format(now)} ({levelName} level, round {round}). Paging has stopped.{(c.Note is { Length: > 0 } n ? "\nNote: " + n : "")}");
        return Ok(
            [acknowledged], [mail],
            [new TimerRequest(ChaseTimer, now + Settings.ChaseAfter)],
            [EscalationTimer]);
    }

    private Result<Decision<IncidentEvent>> EditRecipients(IncidentState state, EditRecipients c, DateTimeOffset now)
    {
        Result<IReadOnlyList<string>> add = Addresses.Normalize(c.Add, "add");
        Result<IReadOnlyList<string>> remove = Addresses.Normalize(c.Remove, "remove");
        if ((add.Reason ?? remove.Reason) is { } invalid)
        {
            return Reject(invalid);
        }

        if (add.Value!.Count == 0 && remove.Value!.Count == 0)
        {
            return Reject("add: name at least one address to add or remove.");
        }

        string? missing = remove.Value!.FirstOrDefault(r => !state.Recipients.Contains(r, StringComparer.OrdinalIgnoreCase));
        if (missing is not null)
        {
            return Reject($"'{missing}' is not on the Recipient List of incident #{state.Ticket}.");
        }

        IReadOnlyList<string> recipients = Addresses.Union([state.Recipients, add.Value!], remove.Value!);
        var changed = new RecipientsChanged(c.Actor.Name, now, recipients, add.Value!, remove.Value!);
        return Ok([changed], [RecordOnTicket(state, recipients, team: null)]);
    }

    /// <summary>
    /// Records the Recipient List (and Team) on the ticket: as custom fields when its queue has them (ProductionDefect
    /// does), else as an internal comment, so the record is never lost to a queue without the fields.
    /// </summary>
    private SideEffect RecordOnTicket(IncidentState state, IReadOnlyList<string> recipients, string? team)
    {
        QueueDefinition? queue = config.Queue(state.Queue);
        bool hasFields = queue is not null
            && queue.CustomFields.Any(f => f.Name == "RecipientList")
            && (team is null || queue.CustomFields.Any(f => f.Name == "Team"));
        string list = string.Join(", ", recipients);
        TicketCommand command = hasFields
            ? new SetCustomFields(Actor.System, team is null
                ? new Dictionary<string, string?> { ["RecipientList"] = list }
                : new Dictionary<string, string?> { ["RecipientList"] = list, ["Team"] = team })
            : new Comment(Actor.System, $"Recipient List: {list}{(team is null ? "" : $"\nTeam: {team}")}");
        return AggregateCommand.Effect<TicketCommand>(TicketDecider.AggregateKind, Number(state.Ticket), command, "incident");
    }
}
