namespace Hub.Standalone;

/// <summary>
/// One function as the standalone host runs it, in the terms of functions.metadata (binding type, route, methods,
/// schedule, queue name as declared) plus what the host resolved from the settings (full path, schedule and the time
/// zone it runs in, queue).
/// </summary>
public sealed record MappedFunction(
    string Name,
    string TriggerType,
    string? Route,
    IReadOnlyList<string> Methods,
    string? Schedule,
    string? QueueName,
    string? Path,
    string? ResolvedSchedule,
    string? ResolvedQueueName,
    TimeZoneInfo? TimeZone = null);
