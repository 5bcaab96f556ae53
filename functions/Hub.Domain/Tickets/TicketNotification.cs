namespace Hub.Domain.Tickets;

/// <summary>
/// The payload of a <c>ticket.notify</c> side effect: who gets which mail. <paramref name="To"/> are the visible
/// recipients; <paramref name="Bcc"/> are staff and mirror lists a requestor must not see in the headers.
/// </summary>
/// <param name="Kind">created, correspondence, comment, status or alert-resolved.</param>
/// <param name="Visibility">public (requestors may see it) or internal (staff only).</param>
/// <param name="InReplyTo">The Message-ID of the mail that caused it, for threading.</param>
public sealed record TicketNotification(
    long Number,
    string Queue,
    string Kind,
    string Visibility,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Bcc,
    string Subject,
    string? Body,
    string? InReplyTo);

/// <summary>The payload of a <c>ticket.escalate</c> side effect: create an internal copy of a customer ticket.</summary>
public sealed record EscalationPayload(long SourceNumber, string SourceQueue, string Subject, string TargetQueue, int Priority);
