using Hub.Domain.Durable;
using Hub.Domain.Rota;

namespace Hub.Domain.Incidents;

// Working the incident: restart check, SCRUM gate, delegation, status updates and chasing, resolution, post-mortem.
public sealed partial class IncidentDecider
{
    private static Result<Decision<IncidentEvent>> RestartCheck(IncidentState state, RecordRestartCheck c, DateTimeOffset now)
    {
        if (!c.Attempted && c.Helped is not null)
        {
            return Reject("helped: only a restart that was attempted can have helped; leave it out when attempted is false.");
        }

        if (c.Attempted && c.Helped is null)
        {
            return Reject("helped: say whether the restart helped (true or false) when attempted is true.");
        }

        return Ok([new RestartChecked(c.Actor.Name, now, c.Attempted, c.Helped, c.Note)]);
    }

    private static Result<Decision<IncidentEvent>> Scrum(IncidentState state, RecordScrum c, DateTimeOffset now)
    {
        if (!state.IsOpen || state.Kind != IncidentKinds.Urgent)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; a SCRUM is recorded for an open urgent incident.");
        }

        string[] attendees = [.. (c.Attendees ?? []).Select(a => a?.Trim() ?? "").Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
        if (attendees.Length == 0)
        {
            return Reject("attendees: name who attended the SCRUM.");
        }

        if (string.IsNullOrWhiteSpace(c.Plan))
        {
            return Reject("plan: record the plan the SCRUM agreed.");
        }

        if (c.At > now + TimeSpan.FromMinutes(5))
        {
            return Reject($"at: a SCRUM is recorded after it was held; {Format(c.At)} is in the future.");
        }

        return Ok([new ScrumRecorded(c.Actor.Name, now, c.At, attendees, c.Plan.Trim())]);
    }

    private static Result<Decision<IncidentEvent>> Delegate(IncidentState state, DelegateTask c, DateTimeOffset now)
    {
        if (state.TechLead is not { } lead || !lead.Is(c.Actor.Name))
        {
            return Reject($"Only the Tech Lead ({state.TechLead?.Name ?? "none"}) delegates tasks; '{c.Actor.Name}' is not the Tech Lead.");
        }

        if (!state.IsOpen)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; tasks are delegated while it is open.");
        }

        if (string.IsNullOrWhiteSpace(c.Task) || string.IsNullOrWhiteSpace(c.Assignee))
        {
            return Reject("task and assignee: both are required.");
        }

        // The task goes into the assignee's mail subject: a line break there would make the mail unsendable.
        if (MultiLine(c.Task, "task") is { } multiLine)
        {
            return Reject(multiLine);
        }

        string assignee = c.Assignee.Trim();
        SideEffect? mail = Tickets.Addresses.IsValid(assignee)
            ? Mail(state, "incident-task", [assignee], [], $"Task from the Tech Lead: {c.Task.Trim()}", $"{lead.Name} delegated a task on incident #{state.Ticket} to you:\n{c.Task.Trim()}")
            : null;
        return Ok([new TaskDelegated(c.Actor.Name, now, c.Task.Trim(), assignee)], [mail]);
    }

    private Result<Decision<IncidentEvent>> PostStatus(IncidentState state, PostStatus c, DateTimeOffset now)
    {
        if (!state.IsOpen)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; status updates are for open incidents.");
        }

        if (string.IsNullOrWhiteSpace(c.Text))
        {
            return Reject("text: the status update is empty.");
        }

        bool byTechLead = state.TechLead?.Is(c.Actor.Name) == true;
        var posted = new StatusPosted(c.Actor.Name, now, c.Text.Trim(), byTechLead);
        SideEffect? mail = Mail(state, "incident-status", state.Recipients, [], $"Status update: {state.Subject}",
            $"Status update on incident #{state.Ticket} by {c.Actor.Name} at {Format(now)}:\n{posted.Text}");
        // A status update restarts the keep-chasing clock of an acknowledged incident.
        TimerRequest[] chase = state.Status is IncidentStatus.Acknowledged or IncidentStatus.Resolving
            ? [new TimerRequest(ChaseTimer, now + Settings.ChaseAfter)]
            : [];
        return Ok([posted], [mail], chase);
    }

    private Result<Decision<IncidentEvent>> ChaseDue(IncidentState state, ChaseDue c, DateTimeOffset now)
    {
        if (state.Status is not (IncidentStatus.Acknowledged or IncidentStatus.Resolving))
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; only an acknowledged incident is chased.");
        }

        int stage = Math.Min(state.ChaseStage + 1, 2);
        string[] to = stage == 1 ? [state.TechLead!.Address] : [state.TechLead!.Address, .. LeadOf(state)];
        DateTimeOffset since = state.LatestUpdate?.At ?? state.Acknowledged?.At ?? state.OpenedAt;
        SideEffect? mail = Mail(state, "incident-chase", to, [], $"No status update since {Format(since)}: {state.Subject}",
            stage == 1
                ? $"Incident #{state.Ticket} has had no status update since {Format(since)}. Please post one (POST /api/incidents/{state.Ticket}/status)."
                : $"Incident #{state.Ticket} still has no status update since {Format(since)}, after a reminder to the Tech Lead ({state.TechLead.Name}). Their lead is copied.");
        TimeSpan next = stage == 1 ? Settings.ChaseLeadAfter : Settings.ChaseAfter;
        return Ok([new Chased(c.Actor.Name, now, stage, to)], [mail], [new TimerRequest(ChaseTimer, now + next)]);
    }

    private static Result<Decision<IncidentEvent>> StartResolution(IncidentState state, StartResolution c, DateTimeOffset now)
    {
        if (Gate(state, "start-resolution") is { } refused)
        {
            return Reject(refused);
        }

        if (state.Status == IncidentStatus.Resolving)
        {
            return Reject($"Resolution of incident #{state.Ticket} already started at {Format(state.ResolutionStartedAt!.Value)}.");
        }

        return Ok([new ResolutionStarted(c.Actor.Name, now)]);
    }

    private Result<Decision<IncidentEvent>> Resolve(IncidentState state, ResolveIncident c, DateTimeOffset now)
    {
        if (Gate(state, "resolve") is { } refused)
        {
            return Reject(refused);
        }

        if (string.IsNullOrWhiteSpace(c.Summary))
        {
            return Reject("summary: say how the incident was resolved.");
        }

        TimeZoneInfo zone = Zone(state);
        DateOnly resolvedDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        DateOnly due = WorkingDays.Add(resolvedDay, Settings.PostMortemWorkingDays);
        var resolved = new IncidentResolved(c.Actor.Name, now, c.Summary.Trim(), due);
        IncidentState next = Evolve(state, resolved);
        SideEffect? mail = Mail(state, "incident-resolved", state.Recipients, [], $"Resolved: {state.Subject}",
            $"Incident #{state.Ticket} was resolved by {c.Actor.Name} at {Format(now)}.\n{resolved.Summary}\nThe post-mortem review is due on {due:yyyy-MM-dd} ({Settings.PostMortemWorkingDays} working days).");
        return Ok(
            [resolved], [mail],
            [new TimerRequest(PostMortemTimer, NextReminder(next, now))],
            [EscalationTimer, ChaseTimer]);
    }

    /// <summary>The SCRUM gate: resolution work is refused before a SCRUM is recorded, with the reason.</summary>
    private static string? Gate(IncidentState state, string action)
    {
        if (state.Kind != IncidentKinds.Urgent)
        {
            return $"Incident #{state.Ticket} is a bug report hand-off; {action} is for urgent incidents.";
        }

        if (state.Status == IncidentStatus.Paging)
        {
            return $"Incident #{state.Ticket} is not acknowledged yet; acknowledge it before {action}.";
        }

        if (state.Status is not (IncidentStatus.Acknowledged or IncidentStatus.Resolving))
        {
            return $"Incident #{state.Ticket} is {state.Status}; {action} is not possible.";
        }

        return state.Scrum is null
            ? $"No SCRUM is recorded for incident #{state.Ticket}: record the SCRUM (time, attendees, plan) before {action}."
            : null;
    }

    private Result<Decision<IncidentEvent>> PostMortemDue(IncidentState state, PostMortemDue c, DateTimeOffset now)
    {
        if (state.Status != IncidentStatus.Resolved || state.PostMortem is not { } pm)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; no post-mortem review is waiting.");
        }

        DateOnly today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone(state)).DateTime);
        string stage = today < pm.Due ? "day-before" : today == pm.Due ? "due-today" : "overdue";
        string[] to = [state.TechLead!.Address, .. LeadOf(state)];
        string text = stage switch
        {
            "day-before" => $"The post-mortem review of incident #{state.Ticket} is due tomorrow ({pm.Due:yyyy-MM-dd}).",
            "due-today" => $"The post-mortem review of incident #{state.Ticket} is due today ({pm.Due:yyyy-MM-dd}).",
            _ => $"The post-mortem review of incident #{state.Ticket} was due on {pm.Due:yyyy-MM-dd} and is overdue.",
        };
        var reminded = new PostMortemReminded(c.Actor.Name, now, stage, to);
        IncidentState next = Evolve(state, reminded);
        SideEffect? mail = Mail(state, "post-mortem-reminder", to, [], $"Post-mortem {stage.Replace('-', ' ')}: {state.Subject}",
            $"{text}\nClose it with the document link: POST /api/incidents/{state.Ticket}/post-mortem.");
        return Ok([reminded], [mail], [new TimerRequest(PostMortemTimer, NextReminder(next, now))]);
    }

    /// <summary>
    /// The next reminder: the working day before the due date, the due date, then every working day after it, each at
    /// the configured local time; the first such time after <paramref name="now"/> (a one-day post-mortem has no day-before).
    /// </summary>
    private DateTimeOffset NextReminder(IncidentState state, DateTimeOffset now)
    {
        TimeZoneInfo zone = Zone(state);
        DateOnly day = WorkingDays.Add(state.PostMortem!.Due, -1);
        DateTimeOffset at = OnCall.LocalToUtc(zone, day.ToDateTime(Settings.ReminderTime));
        while (at <= now)
        {
            day = WorkingDays.Add(day, 1);
            at = OnCall.LocalToUtc(zone, day.ToDateTime(Settings.ReminderTime));
        }

        return at;
    }

    private static Result<Decision<IncidentEvent>> ClosePostMortem(IncidentState state, ClosePostMortem c, DateTimeOffset now)
    {
        if (state.Status != IncidentStatus.Resolved || state.PostMortem is null)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; a post-mortem is closed after the incident is resolved.");
        }

        if (!Uri.TryCreate(c.DocumentLink?.Trim(), UriKind.Absolute, out Uri? link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            return Reject($"documentLink: must be an absolute http or https URL; got '{c.DocumentLink}'.");
        }

        SideEffect? mail = Mail(state, "post-mortem-closed", state.Recipients, [], $"Post-mortem published: {state.Subject}",
            $"The post-mortem review of incident #{state.Ticket} is closed: {link.AbsoluteUri}");
        return Ok([new PostMortemClosed(c.Actor.Name, now, link.AbsoluteUri)], [mail], cancel: [PostMortemTimer]);
    }

    private TimeZoneInfo Zone(IncidentState state) => CurrentRota(state)?.TimeZone ?? TimeZoneInfo.Utc;
}
