using System.Text.Json.Serialization;
using Hub.Domain.Catalog;
using Hub.Domain.Tickets;

namespace Hub.Domain.Incidents;

/// <summary>A command to an incident (aggregate kind "incident", id = the ticket number). Serialized with a "type" discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(OpenIncident), "open")]
[JsonDerivedType(typeof(AcknowledgeIncident), "acknowledge")]
[JsonDerivedType(typeof(EditRecipients), "edit-recipients")]
[JsonDerivedType(typeof(RecordRestartCheck), "restart-check")]
[JsonDerivedType(typeof(RecordScrum), "scrum")]
[JsonDerivedType(typeof(DelegateTask), "delegate")]
[JsonDerivedType(typeof(PostStatus), "status")]
[JsonDerivedType(typeof(StartResolution), "start-resolution")]
[JsonDerivedType(typeof(ResolveIncident), "resolve")]
[JsonDerivedType(typeof(ClosePostMortem), "close-post-mortem")]
[JsonDerivedType(typeof(HandOff), "hand-off")]
[JsonDerivedType(typeof(HandOffOutcome), IncidentDecider.ConnectorReplyType)]
[JsonDerivedType(typeof(EscalationDue), "escalation-due")]
[JsonDerivedType(typeof(ChaseDue), "chase-due")]
[JsonDerivedType(typeof(PostMortemDue), "post-mortem-due")]
[JsonDerivedType(typeof(SendDailyStatus), "daily-status")]
public abstract record IncidentCommand(Actor Actor);

/// <summary>Opens the incident of ticket <paramref name="Ticket"/>: the Tech Lead is paged, the Recipient List told.</summary>
/// <param name="Initiator">The address of whoever raised it (a requestor), added to the Recipient List.</param>
/// <param name="Catalog">
/// <paramref name="Service"/>'s catalog record as the Functions layer read it before deciding (run book, DR category);
/// null for a service the catalog does not know, or none.
/// </param>
public sealed record OpenIncident(
    Actor Actor, long Ticket, string Queue, string Subject, string? Service = null, bool EndUserFacing = false, string? Initiator = null,
    ServiceFacts? Catalog = null)
    : IncidentCommand(Actor);

public sealed record AcknowledgeIncident(Actor Actor, string? Note = null) : IncidentCommand(Actor);

public sealed record EditRecipients(Actor Actor, IReadOnlyList<string>? Add = null, IReadOnlyList<string>? Remove = null) : IncidentCommand(Actor)
{
    public IReadOnlyList<string> Add { get; init; } = Add ?? [];

    public IReadOnlyList<string> Remove { get; init; } = Remove ?? [];
}

/// <summary>Records whether a restart was attempted and whether it helped. The hub never restarts anything itself.</summary>
public sealed record RecordRestartCheck(Actor Actor, bool Attempted, bool? Helped, string? Note = null) : IncidentCommand(Actor);

public sealed record RecordScrum(Actor Actor, DateTimeOffset At, IReadOnlyList<string> Attendees, string Plan) : IncidentCommand(Actor);

public sealed record DelegateTask(Actor Actor, string Task, string Assignee) : IncidentCommand(Actor);

public sealed record PostStatus(Actor Actor, string Text) : IncidentCommand(Actor);

public sealed record StartResolution(Actor Actor) : IncidentCommand(Actor);

public sealed record ResolveIncident(Actor Actor, string Summary) : IncidentCommand(Actor);

public sealed record ClosePostMortem(Actor Actor, string DocumentLink) : IncidentCommand(Actor);

/// <summary>
/// Bug report hand-off: tier managers notified, Recipient List and Team recorded, the ticket transferred through
/// <paramref name="Connector"/> (an outbound connector name), the transfer announced when it succeeds.
/// </summary>
/// <param name="Service">The ticket's service, if it names one.</param>
/// <param name="Catalog">
/// <paramref name="Service"/>'s catalog record as the Functions layer read it (its tier managers, which win over
/// incidents.tierManagers); null for a service the catalog does not know, or none.
/// </param>
public sealed record HandOff(
    Actor Actor, long Ticket, string Queue, string Subject, string Team, string? Connector = null, string? Tier = null,
    IReadOnlyList<string>? Recipients = null, string? Text = null, string? LinkBackUrl = null, string? ExternalQueue = null,
    string? Description = null, IReadOnlyList<string>? Requestors = null, IReadOnlyList<string>? Cc = null,
    string? Service = null, ServiceFacts? Catalog = null) : IncidentCommand(Actor)
{
    public IReadOnlyList<string> Recipients { get; init; } = Recipients ?? [];

    /// <summary>The hub ticket's requestors, who become the external ticket's.</summary>
    public IReadOnlyList<string> Requestors { get; init; } = Requestors ?? [];

    public IReadOnlyList<string> Cc { get; init; } = Cc ?? [];
}

/// <summary>The outbound connector's answer to the hand-off call (docs: connectors contract).</summary>
public sealed record HandOffOutcome(
    string CallId, string Connector, string Operation, bool Succeeded, string? ExternalId, string? Error, bool WillRetry, DateTimeOffset At)
    : IncidentCommand(Actor.System);

/// <summary>Timer: the current escalation level did not acknowledge in time.</summary>
public sealed record EscalationDue(Actor Actor) : IncidentCommand(Actor);

/// <summary>Timer: no status update for the chase interval.</summary>
public sealed record ChaseDue(Actor Actor) : IncidentCommand(Actor);

/// <summary>Timer: a post-mortem reminder is due.</summary>
public sealed record PostMortemDue(Actor Actor) : IncidentCommand(Actor);

/// <summary>The daily status run: mail the Recipient List; remind a silent Tech Lead and their lead.</summary>
/// <param name="Day">The run's local date (yyyy-MM-dd); one status mail per incident and day.</param>
public sealed record SendDailyStatus(Actor Actor, string Day) : IncidentCommand(Actor);
