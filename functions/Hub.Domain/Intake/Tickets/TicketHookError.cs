namespace Hub.Domain.Intake.Tickets;

/// <summary>A field-level error in a ticket-system hook: <paramref name="Field"/> is a JSON path into the body
/// ("ticket.status", "rolloutProgress.current", "$" for the body itself), <paramref name="Rule"/> the rule it broke.</summary>
public sealed record TicketHookError(string Field, string Rule)
{
    public override string ToString() => $"{Field}: {Rule}";
}
