using System.Text.Json;
using Hub.Domain.Incidents;

namespace Hub.Functions.Incidents;

/// <summary>Opens an incident for <paramref name="Ticket"/>, or, without one, creates an Urgent ProductionDefect ticket that opens it.</summary>
/// <summary>The answer to opening an incident without a ticket: the number of the Urgent ticket opened for it.</summary>
public sealed record NewIncidentTicket(long Ticket);

public sealed record NewIncident(
    long? Ticket, string? Subject, string? Body, string? Service, bool? AffectsEndUsers, IReadOnlyList<string>? Requestors, string? Queue);

public sealed record IncidentNote(string? Note);

public sealed record RecipientsPatch(IReadOnlyList<string>? Add, IReadOnlyList<string>? Remove);

public sealed record RestartCheckBody(bool? Attempted, bool? Helped, string? Note);

public sealed record ScrumBody(DateTimeOffset? At, IReadOnlyList<string>? Attendees, string? Plan);

public sealed record TaskBody(string? Task, string? Assignee);

public sealed record StatusBody(string? Text);

public sealed record ResolveBody(string? Summary);

public sealed record PostMortemBody(string? DocumentLink);

public sealed record HandOffBody(string? Team, string? Connector, string? Tier, IReadOnlyList<string>? Recipients, string? Text, string? ExternalQueue);

public sealed record IncidentSummary(
    long Ticket, string Kind, string Status, string Subject, string? TechLead, string Level, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt)
{
    public static IncidentSummary From(IncidentState s) => new(
        s.Ticket, s.Kind, s.Status, s.Subject, s.TechLead?.Name, s.Kind == IncidentKinds.Urgent ? IncidentDecider.Escalation(s) : s.HandOff?.Team ?? "", s.OpenedAt, s.UpdatedAt);
}

/// <summary>One page of incidents (newest first within the page); <see cref="Continuation"/> fetches the next page, null on the last.</summary>
public sealed record IncidentList(IReadOnlyList<IncidentSummary> Items, string? Continuation = null);

public sealed record IncidentDetail(IncidentState Incident, IReadOnlyDictionary<string, DateTimeOffset> Timers, IReadOnlyList<IncidentHistoryEntry> History);

public sealed record IncidentHistoryEntry(long Sequence, string Type, string Actor, DateTimeOffset At, string? FromState, string? ToState, JsonElement Data);
