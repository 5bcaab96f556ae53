namespace Hub.Functions.Triggers.Timer;

/// <summary>A constant interval ("00:05:00"): the next firing is one interval after the previous one.</summary>
public sealed class IntervalSchedule(TimeSpan interval) : TimerSchedule
{
    public TimeSpan Interval { get; } = interval;

    public override DateTimeOffset? NextAfter(DateTimeOffset after) => after + Interval;

    public override string ToString() => Interval.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
}
