namespace Hub.Domain.Configuration;

/// <summary>The incident playbook (DESIGN 5.3): escalation chain, Recipient List, chasing, post-mortem, hand-off.</summary>
/// <param name="Escalation">The chain, in order; each level must acknowledge within its window or the next is paged.</param>
/// <param name="Repeats">How many times the whole chain is run before the hub stops paging (default 3).</param>
/// <param name="Rota">The on-call rota that names the Tech Lead.</param>
/// <param name="RecipientLists">Contact lists on every Recipient List (isda-pipeline, isda-integrators, map-support).</param>
/// <param name="EndUserList">Added when the affected service is end-user facing (computing-help).</param>
/// <param name="EndUserServices">Services that are end-user facing (besides a ticket's AffectsEndUsers field).</param>
/// <param name="ChaseAfter">An acknowledged incident without a status update for this long reminds the Tech Lead.</param>
/// <param name="ChaseLeadAfter">Still nothing this long after that reminder: their lead is reminded too.</param>
/// <param name="PostMortemWorkingDays">The post-mortem review is due this many working days after resolution.</param>
/// <param name="ReminderTime">Local time of day (in the rota's time zone) post-mortem reminders go out.</param>
/// <param name="TeamList">The contact list that receives the daily summary.</param>
/// <param name="TierManagers">Tier (DEV, TEST, STAGE, PROD) -> addresses notified when a bug report is handed off.</param>
/// <param name="HandOffConnector">The outbound connector a bug report is transferred through by default.</param>
public sealed record IncidentSettings(
    IReadOnlyList<EscalationLevel> Escalation,
    int Repeats,
    string Rota,
    IReadOnlyList<string> RecipientLists,
    string? EndUserList,
    IReadOnlyList<string> EndUserServices,
    TimeSpan ChaseAfter,
    TimeSpan ChaseLeadAfter,
    int PostMortemWorkingDays,
    TimeOnly ReminderTime,
    string? TeamList,
    IReadOnlyDictionary<string, IReadOnlyList<string>> TierManagers,
    string? HandOffConnector = null)
{
    /// <summary>DESIGN 5.3: Tech Lead 15 min -> team lead 15 min -> manager 15 min, three rounds.</summary>
    public static IncidentSettings Default { get; } = new(
        [
            new EscalationLevel("tech-lead", EscalationTarget.TechLead, TimeSpan.FromMinutes(15)),
            new EscalationLevel("team-lead", EscalationTarget.TeamLead, TimeSpan.FromMinutes(15)),
            new EscalationLevel("manager", EscalationTarget.Manager, TimeSpan.FromMinutes(15)),
        ],
        3,
        "on-call",
        ["isda-pipeline", "isda-integrators", "map-support"],
        "computing-help",
        [],
        TimeSpan.FromHours(4),
        TimeSpan.FromHours(2),
        5,
        new TimeOnly(9, 0),
        "amit",
        new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>One level of the escalation chain: who is paged and how long they have to acknowledge.</summary>
/// <param name="Address">For <see cref="EscalationTarget.Address"/>: the address paged.</param>
public sealed record EscalationLevel(string Name, EscalationTarget Target, TimeSpan AckWithin, string? Address = null);

public enum EscalationTarget
{
    /// <summary>The rota's on-call person when the incident opened.</summary>
    TechLead,

    /// <summary>The Tech Lead's lead (the member's own lead, else the rota's team lead).</summary>
    TeamLead,

    /// <summary>The rota's manager.</summary>
    Manager,

    /// <summary>A fixed address (a pager list).</summary>
    Address,
}

/// <summary>How the hub sends mail: the sender address, and categories SendGrid files every message under.</summary>
/// <param name="From">The From address of every mail.</param>
/// <param name="ReplyTo">Where replies go when the ticket's queue has no mail route (replies must reach the mail intake).</param>
public sealed record EmailSettings(string From, string FromName, string ReplyTo, IReadOnlyList<string> Categories)
{
    public static EmailSettings Default { get; } = new("hub@example.org", "Integration Hub", "map-support@example.org", ["hub"]);
}
