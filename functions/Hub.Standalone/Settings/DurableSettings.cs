namespace Hub.Standalone.Settings;

/// <summary>
/// host.json <c>extensions.durableTask</c>: the task hub name (may be <c>%Setting%</c>) and the Azure Storage provider
/// settings the standalone host passes to DTFx. The visibility defaults are shorter than the Functions host's
/// five minutes so that the work a crashed instance had dequeued is visible again within a minute, and idle polling backs
/// off to one second, not thirty, so a durable timer is not held back by the poll (docs/standalone-host.md).
/// </summary>
public sealed record DurableSettings(
    string HubName,
    int PartitionCount,
    TimeSpan ControlQueueVisibilityTimeout,
    TimeSpan WorkItemQueueVisibilityTimeout,
    TimeSpan MaxQueuePollingInterval)
{
    public static DurableSettings Default { get; } = new(
        "TestHubName", 4, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
}
