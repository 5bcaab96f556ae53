namespace Hub.Domain.Changes;

/// <summary>
/// A recurring release window: on each of <paramref name="Days"/>, opening at <paramref name="Start"/> local time in
/// the service's zone and staying open for <paramref name="Duration"/> of elapsed time.
/// </summary>
public sealed record WeeklyWindow(IReadOnlyList<DayOfWeek> Days, TimeOnly Start, TimeSpan Duration, string? Name = null);
