namespace Hub.Functions.Triggers.Timer;

/// <summary>
/// The persisted state of one timer function, shared by all instances: the last occurrence fired, the next one due,
/// and the schedule they were computed from (a changed schedule starts afresh).
/// </summary>
public sealed record ScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated, string Schedule);
