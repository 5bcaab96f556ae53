namespace Hub.Functions.Functions;

/// <summary>
/// host.json <c>extensions.queues</c>, with the Functions host's defaults.
/// https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue#host-json
/// </summary>
public sealed record QueueTriggerSettings(
    TimeSpan MaxPollingInterval,
    TimeSpan VisibilityTimeout,
    int BatchSize,
    int MaxDequeueCount,
    int NewBatchThreshold)
{
    public static QueueTriggerSettings Defaults { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.Zero, 16, 5, 8);
}
