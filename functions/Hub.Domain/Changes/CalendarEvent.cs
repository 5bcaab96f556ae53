namespace Hub.Domain.Changes;

/// <summary>One entry of the change calendar: a release window opening or a scheduled change, as instants.</summary>
public sealed record CalendarEvent(string Uid, DateTimeOffset Start, DateTimeOffset End, string Summary, string? Description = null);
