namespace Hub.Functions.Functions;

/// <summary>
/// The timer trigger's data, shaped as the Functions host sends it. <see cref="ScheduleStatus"/>.Last is the occurrence
/// being fired (in standalone mode), Next the one after it.
/// </summary>
public sealed record TimerInfo(string Schedule, TimerScheduleStatus? ScheduleStatus, bool IsPastDue);

public sealed record TimerScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
