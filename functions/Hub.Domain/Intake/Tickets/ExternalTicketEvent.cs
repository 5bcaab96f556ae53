using System.Text.Json.Serialization;

namespace Hub.Domain.Intake.Tickets;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExternalTicketOpened), "opened")]
[JsonDerivedType(typeof(ExternalTicketSynced), "synced")]
[JsonDerivedType(typeof(ReleaseTransitionRecorded), "transition-recorded")]
public abstract record ExternalTicketEvent(DateTimeOffset At);

/// <summary>Local ticket <paramref name="Number"/> was opened for the external ticket.</summary>
public sealed record ExternalTicketOpened(long Number, string Queue, string Subject, string Status, int? Priority, IReadOnlyDictionary<string, string> CustomFields, DateTimeOffset At)
    : ExternalTicketEvent(At);

/// <summary>An event was applied to the mapped ticket; the values are the external ones that changed (null: unchanged).</summary>
public sealed record ExternalTicketSynced(
    TicketEventKind Kind,
    string? Subject,
    string? Status,
    int? Priority,
    IReadOnlyDictionary<string, string?> CustomFields,
    bool Commented,
    DateTimeOffset At) : ExternalTicketEvent(At);

/// <summary>The transition API reported a RolloutProgress move. Recorded only: the release workflow acts on it later.</summary>
public sealed record ReleaseTransitionRecorded(RolloutProgress Current, RolloutProgress Previous, bool Emergency, DateTimeOffset At)
    : ExternalTicketEvent(At);
