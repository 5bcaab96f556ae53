using System.Text.Json.Serialization;

namespace Hub.Domain.Intake.Tickets;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ApplyTicketEvent), "apply-event")]
[JsonDerivedType(typeof(RecordReleaseTransition), "record-transition")]
public abstract record ExternalTicketCommand(string System, DateTimeOffset ReceivedAt)
{
    /// <summary>The webhook delivery this command came in (its delivery record's id); the commands it sends on carry it.</summary>
    public string? DeliveryId { get; init; }
}

/// <summary>
/// A ticket-system event for this external ticket. <paramref name="CandidateNumber"/> is the local ticket number to use
/// if a ticket must be opened (0: none reserved yet); <paramref name="DefaultQueue"/> is used when the event names none.
/// </summary>
public sealed record ApplyTicketEvent(string System, TicketSystemEvent Event, string DefaultQueue, long CandidateNumber, DateTimeOffset ReceivedAt)
    : ExternalTicketCommand(System, ReceivedAt);

public sealed record RecordReleaseTransition(string System, ReleaseTransition Transition, DateTimeOffset ReceivedAt)
    : ExternalTicketCommand(System, ReceivedAt);
