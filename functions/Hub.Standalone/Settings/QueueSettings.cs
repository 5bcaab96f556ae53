namespace Hub.Standalone.Settings;

/// <summary>host.json <c>extensions.queues</c>; the defaults are the Functions host's.</summary>
public sealed record QueueSettings(
    int BatchSize,
    int NewBatchThreshold,
    TimeSpan MaxPollingInterval,
    TimeSpan VisibilityTimeout,
    int MaxDequeueCount)
{
    public static QueueSettings Default { get; } = new(16, 8, TimeSpan.FromMinutes(1), TimeSpan.Zero, 5);
}
