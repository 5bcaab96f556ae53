namespace Hub.Domain.Intake.Tickets;

/// <summary>
/// One aggregate per external ticket (kind <c>external-ref</c>, id <c>&lt;system&gt;:&lt;id&gt;</c>): the local ticket
/// it maps to, and the last values the external system sent, so an event applies only what changed.
/// </summary>
public sealed record ExternalTicketState(
    long? Ticket,
    string? Queue,
    string? Subject,
    string? Status,
    int? Priority,
    IReadOnlyDictionary<string, string>? CustomFields,
    int Events,
    ReleaseTransitionRecorded? LastTransition)
{
    public static ExternalTicketState Initial { get; } = new(null, null, null, null, null, null, 0, null);

    public IReadOnlyDictionary<string, string> CustomFields { get; init; } = CustomFields ?? new Dictionary<string, string>();
}
