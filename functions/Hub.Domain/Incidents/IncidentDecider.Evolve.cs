using System.Globalization;

namespace Hub.Domain.Incidents;

// The fold: every event is a fact Decide already validated, so Evolve never refuses.
public sealed partial class IncidentDecider
{
    public IncidentState Evolve(IncidentState state, IncidentEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        IncidentState next = @event switch
        {
            IncidentOpened e => new IncidentState
            {
                Ticket = e.Ticket, Queue = e.Queue, Subject = e.Subject, Kind = IncidentKinds.Urgent, Status = IncidentStatus.Paging,
                Service = e.Service, EndUserFacing = e.EndUserFacing, Initiator = e.Initiator, OpenedAt = e.At, Rota = e.Rota,
                TechLead = e.TechLead, TeamLead = e.TeamLead, Manager = e.Manager, Recipients = e.Recipients,
                RunBookUrl = e.RunBookUrl, DrCategory = e.DrCategory,
            },
            Paged e => state with
            {
                Paging = new PageState(e.Level, e.Round, e.Deadline),
                Pages = [.. state.Pages, new PageRecord(e.Level, e.Round, e.LevelName, e.To, e.At, e.Deadline)],
            },
            EscalationExhausted => state with { Paging = null, EscalationExhausted = true },
            Acknowledged e => state with
            {
                Status = IncidentStatus.Acknowledged, Paging = null, Acknowledged = new AckRecord(e.Actor, e.At, e.Level, e.Round, e.Note),
            },
            RecipientsChanged e => state with { Recipients = e.Recipients },
            RestartChecked e => state with { Restart = new RestartCheck(e.Attempted, e.Helped, e.Note, e.Actor, e.At) },
            ScrumRecorded e => state with { Scrum = new ScrumRecord(e.HeldAt, e.Attendees, e.Plan, e.Actor) },
            TaskDelegated e => state with { Tasks = [.. state.Tasks, new DelegatedTask(e.Task, e.Assignee, e.Actor, e.At)] },
            StatusPosted e => state with
            {
                Updates = [.. state.Updates, new StatusUpdate(e.Actor, e.At, e.Text)],
                LastTechLeadUpdateAt = e.ByTechLead ? e.At : state.LastTechLeadUpdateAt,
                ChaseStage = 0,
            },
            Chased e => state with { ChaseStage = e.Stage },
            ResolutionStarted e => state with { Status = IncidentStatus.Resolving, ResolutionStartedAt = e.At },
            IncidentResolved e => state with
            {
                Status = IncidentStatus.Resolved, ResolvedAt = e.At, Resolution = e.Summary, Paging = null, PostMortem = new PostMortemRecord(e.PostMortemDue, 0),
            },
            PostMortemReminded => state with { PostMortem = state.PostMortem! with { Reminders = state.PostMortem.Reminders + 1 } },
            PostMortemClosed e => state with { Status = IncidentStatus.Closed, PostMortem = state.PostMortem! with { ClosedAt = e.At, DocumentLink = e.DocumentLink } },
            HandOffRequested e => (state.Exists ? state : new IncidentState
            {
                Ticket = e.Ticket, Queue = e.Queue, Subject = e.Subject, Kind = IncidentKinds.BugReport, OpenedAt = e.At,
            }) with
            {
                Status = IncidentStatus.HandingOff,
                Service = e.Service ?? state.Service,
                Recipients = e.Recipients,
                HandOff = new HandOffRecord(e.Team, e.Connector, e.Tier, e.TierManagers, e.At, TierManagersFrom: e.TierManagersFrom),
            },
            HandOffRecorded e => state with
            {
                Status = e.Succeeded ? IncidentStatus.HandedOff : e.WillRetry ? state.Status : IncidentStatus.HandOffFailed,
                HandOff = state.HandOff! with
                {
                    CallId = e.CallId,
                    Succeeded = e.WillRetry && !e.Succeeded ? null : e.Succeeded,
                    ExternalId = e.ExternalId ?? state.HandOff.ExternalId,
                    Error = e.Error,
                    CompletedAt = e.Succeeded || !e.WillRetry ? e.At : null,
                },
            },
            DailyStatusSent e => state with { LastDailyStatus = e.Day },
            _ => state,
        };
        string? change = Describe(@event);
        return next with
        {
            UpdatedAt = @event.At,
            Changes = change is null ? next.Changes : [.. next.Changes.Skip(Math.Max(0, next.Changes.Count + 1 - IncidentState.MaxChanges)), new IncidentChange(@event.At, change)],
        };
    }

    private static string? Describe(IncidentEvent @event) => @event switch
    {
        IncidentOpened e => $"opened by {e.Actor}; Tech Lead {e.TechLead.Name}",
        Paged e => string.Create(CultureInfo.InvariantCulture, $"paged {e.LevelName} {e.To} (round {e.Round})"),
        EscalationExhausted e => string.Create(CultureInfo.InvariantCulture, $"nobody acknowledged after {e.Rounds} rounds; paging stopped"),
        Acknowledged e => $"acknowledged by {e.Actor}",
        RecipientsChanged e => $"Recipient List changed by {e.Actor}: {string.Join(", ", e.Added.Select(a => "+" + a).Concat(e.Removed.Select(r => "-" + r)))}",
        RestartChecked e => $"restart check by {e.Actor}: {(e.Attempted ? e.Helped == true ? "restarted, it helped" : "restarted, it did not help" : "no restart attempted")}",
        ScrumRecorded e => $"SCRUM recorded by {e.Actor} ({string.Join(", ", e.Attendees)}): {e.Plan}",
        TaskDelegated e => $"task delegated to {e.Assignee}: {e.Task}",
        StatusPosted e => $"status update by {e.Actor}",
        Chased e => $"reminded {string.Join(", ", e.To)} (no status update)",
        ResolutionStarted e => $"resolution started by {e.Actor}",
        IncidentResolved e => $"resolved by {e.Actor}; post-mortem due {e.PostMortemDue:yyyy-MM-dd}",
        PostMortemReminded e => $"post-mortem reminder ({e.Stage})",
        PostMortemClosed e => $"post-mortem closed: {e.DocumentLink}",
        HandOffRequested e => $"hand-off to {e.Team} via {e.Connector} requested by {e.Actor}",
        HandOffRecorded e => e.Succeeded ? $"transferred as {e.ExternalId}" : $"transfer failed{(e.WillRetry ? " (will retry)" : "")}: {e.Error}",
        _ => null,
    };
}
