using System.Text.Json.Serialization;

namespace Hub.Domain.Incidents;

/// <summary>One recorded change to an incident: who (<paramref name="Actor"/>, a name) and when.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(IncidentOpened), "opened")]
[JsonDerivedType(typeof(Paged), "paged")]
[JsonDerivedType(typeof(EscalationExhausted), "escalation-exhausted")]
[JsonDerivedType(typeof(Acknowledged), "acknowledged")]
[JsonDerivedType(typeof(RecipientsChanged), "recipients-changed")]
[JsonDerivedType(typeof(RestartChecked), "restart-checked")]
[JsonDerivedType(typeof(ScrumRecorded), "scrum-recorded")]
[JsonDerivedType(typeof(TaskDelegated), "task-delegated")]
[JsonDerivedType(typeof(StatusPosted), "status-posted")]
[JsonDerivedType(typeof(Chased), "chased")]
[JsonDerivedType(typeof(ResolutionStarted), "resolution-started")]
[JsonDerivedType(typeof(IncidentResolved), "resolved")]
[JsonDerivedType(typeof(PostMortemReminded), "post-mortem-reminded")]
[JsonDerivedType(typeof(PostMortemClosed), "post-mortem-closed")]
[JsonDerivedType(typeof(HandOffRequested), "hand-off-requested")]
[JsonDerivedType(typeof(HandOffRecorded), "hand-off-recorded")]
[JsonDerivedType(typeof(DailyStatusSent), "daily-status-sent")]
public abstract record IncidentEvent(string Actor, DateTimeOffset At);

public sealed record IncidentOpened(
    string Actor,
    DateTimeOffset At,
    long Ticket,
    string Queue,
    string Subject,
    string? Service,
    bool EndUserFacing,
    string? Initiator,
    string Rota,
    Responder TechLead,
    string TeamLead,
    string Manager,
    IReadOnlyList<string> Recipients,
    string? RunBookUrl = null,
    string? DrCategory = null) : IncidentEvent(Actor, At);

/// <summary>Level <paramref name="Level"/> (0-based) of round <paramref name="Round"/> (1-based) was paged.</summary>
public sealed record Paged(string Actor, DateTimeOffset At, int Level, int Round, string LevelName, string To, DateTimeOffset Deadline)
    : IncidentEvent(Actor, At);

public sealed record EscalationExhausted(string Actor, DateTimeOffset At, int Rounds) : IncidentEvent(Actor, At);

public sealed record Acknowledged(string Actor, DateTimeOffset At, int Level, int Round, string? Note) : IncidentEvent(Actor, At);

public sealed record RecipientsChanged(string Actor, DateTimeOffset At, IReadOnlyList<string> Recipients, IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
    : IncidentEvent(Actor, At);

public sealed record RestartChecked(string Actor, DateTimeOffset At, bool Attempted, bool? Helped, string? Note) : IncidentEvent(Actor, At);

public sealed record ScrumRecorded(string Actor, DateTimeOffset At, DateTimeOffset HeldAt, IReadOnlyList<string> Attendees, string Plan) : IncidentEvent(Actor, At);

public sealed record TaskDelegated(string Actor, DateTimeOffset At, string Task, string Assignee) : IncidentEvent(Actor, At);

public sealed record StatusPosted(string Actor, DateTimeOffset At, string Text, bool ByTechLead) : IncidentEvent(Actor, At);

/// <summary>A silent incident was chased; <paramref name="Stage"/> 1 reminded the Tech Lead, 2 also their lead.</summary>
public sealed record Chased(string Actor, DateTimeOffset At, int Stage, IReadOnlyList<string> To) : IncidentEvent(Actor, At);

public sealed record ResolutionStarted(string Actor, DateTimeOffset At) : IncidentEvent(Actor, At);

public sealed record IncidentResolved(string Actor, DateTimeOffset At, string Summary, DateOnly PostMortemDue) : IncidentEvent(Actor, At);

/// <summary><paramref name="Stage"/>: day-before, due-today or overdue.</summary>
public sealed record PostMortemReminded(string Actor, DateTimeOffset At, string Stage, IReadOnlyList<string> To) : IncidentEvent(Actor, At);

public sealed record PostMortemClosed(string Actor, DateTimeOffset At, string DocumentLink) : IncidentEvent(Actor, At);

public sealed record HandOffRequested(
    string Actor, DateTimeOffset At, long Ticket, string Queue, string Subject, string Team, string Connector, string? Tier,
    IReadOnlyList<string> TierManagers, IReadOnlyList<string> Recipients, string? Service = null, string? TierManagersFrom = null) : IncidentEvent(Actor, At);

/// <summary>The connector's answer; <paramref name="Succeeded"/> false with <paramref name="WillRetry"/> true is only a note.</summary>
public sealed record HandOffRecorded(string Actor, DateTimeOffset At, string CallId, bool Succeeded, string? ExternalId, string? Error, bool WillRetry)
    : IncidentEvent(Actor, At);

public sealed record DailyStatusSent(string Actor, DateTimeOffset At, string Day, bool TechLeadReminded) : IncidentEvent(Actor, At);
