using System.Text.Json.Serialization;

namespace Hub.Domain.Incidents;

/// <summary>
/// An incident: an Urgent ticket's escalation and resolution record, or a bug report's hand-off. Stored as JSON by the
/// durable runtime; every change is a <c>with</c> copy made by <see cref="IncidentDecider.Evolve"/>.
/// </summary>
public sealed record IncidentState
{
    public static IncidentState None { get; } = new();

    public long Ticket { get; init; }

    public string Queue { get; init; } = "";

    public string Subject { get; init; } = "";

    /// <summary>urgent or bug-report.</summary>
    public string Kind { get; init; } = "";

    /// <summary>See <see cref="IncidentStatus"/>.</summary>
    public string Status { get; init; } = "";

    public string? Service { get; init; }

    /// <summary>The service's run book and DR category as its catalog record had them when the incident opened.</summary>
    public string? RunBookUrl { get; init; }

    public string? DrCategory { get; init; }

    public bool EndUserFacing { get; init; }

    public string? Initiator { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public string Rota { get; init; } = "";

    public Responder? TechLead { get; init; }

    public string? TeamLead { get; init; }

    public string? Manager { get; init; }

    /// <summary>The level last paged (0-based), its round (1-based) and its deadline; null once nobody is being paged.</summary>
    public PageState? Paging { get; init; }

    /// <summary>Everyone paged so far, in order.</summary>
    public IReadOnlyList<PageRecord> Pages { get; init; } = [];

    public bool EscalationExhausted { get; init; }

    public AckRecord? Acknowledged { get; init; }

    public IReadOnlyList<string> Recipients { get; init; } = [];

    public RestartCheck? Restart { get; init; }

    public ScrumRecord? Scrum { get; init; }

    public IReadOnlyList<DelegatedTask> Tasks { get; init; } = [];

    public IReadOnlyList<StatusUpdate> Updates { get; init; } = [];

    public DateTimeOffset? LastTechLeadUpdateAt { get; init; }

    /// <summary>0 = not chased since the last update; 1 = Tech Lead reminded; 2 = their lead reminded too.</summary>
    public int ChaseStage { get; init; }

    public DateTimeOffset? ResolutionStartedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? Resolution { get; init; }

    public PostMortemRecord? PostMortem { get; init; }

    public HandOffRecord? HandOff { get; init; }

    public string? LastDailyStatus { get; init; }

    /// <summary>A readable line per change, newest last (at most <see cref="MaxChanges"/>): the daily mail's "what changed".</summary>
    public IReadOnlyList<IncidentChange> Changes { get; init; } = [];

    public DateTimeOffset UpdatedAt { get; init; }

    public const int MaxChanges = 200;

    [JsonIgnore]
    public bool Exists => Ticket != 0;

    /// <summary>Not yet resolved (a bug report is open until its hand-off succeeded).</summary>
    [JsonIgnore]
    public bool IsOpen => Exists && Status is IncidentStatus.Paging or IncidentStatus.Acknowledged or IncidentStatus.Resolving or IncidentStatus.HandingOff;

    [JsonIgnore]
    public StatusUpdate? LatestUpdate => Updates.Count == 0 ? null : Updates[^1];
}

public static class IncidentStatus
{
    public const string Paging = "paging";
    public const string Acknowledged = "acknowledged";
    public const string Resolving = "resolving";
    public const string Resolved = "resolved";
    public const string Closed = "closed";
    public const string HandingOff = "handing-off";
    public const string HandedOff = "handed-off";
    public const string HandOffFailed = "hand-off-failed";
}

public static class IncidentKinds
{
    public const string Urgent = "urgent";
    public const string BugReport = "bug-report";
}

/// <summary>A person on the rota acting in the incident: the name they call the API with, and their address.</summary>
public sealed record Responder(string Name, string Address)
{
    public bool Is(string? nameOrAddress) =>
        string.Equals(Name, nameOrAddress, StringComparison.OrdinalIgnoreCase) || string.Equals(Address, nameOrAddress, StringComparison.OrdinalIgnoreCase);
}

public sealed record PageState(int Level, int Round, DateTimeOffset Deadline);

public sealed record PageRecord(int Level, int Round, string LevelName, string To, DateTimeOffset At, DateTimeOffset Deadline);

public sealed record AckRecord(string By, DateTimeOffset At, int Level, int Round, string? Note);

public sealed record RestartCheck(bool Attempted, bool? Helped, string? Note, string By, DateTimeOffset At);

public sealed record ScrumRecord(DateTimeOffset HeldAt, IReadOnlyList<string> Attendees, string Plan, string By);

public sealed record DelegatedTask(string Task, string Assignee, string By, DateTimeOffset At);

public sealed record StatusUpdate(string By, DateTimeOffset At, string Text);

public sealed record PostMortemRecord(DateOnly Due, int Reminders, DateTimeOffset? ClosedAt = null, string? DocumentLink = null);

public sealed record HandOffRecord(
    string Team, string Connector, string? Tier, IReadOnlyList<string> TierManagers, DateTimeOffset RequestedAt,
    string? CallId = null, string? ExternalId = null, string? Error = null, bool? Succeeded = null, DateTimeOffset? CompletedAt = null,
    string? TierManagersFrom = null);

public sealed record IncidentChange(DateTimeOffset At, string Text);
