namespace Hub.Standalone.Timers;

/// <summary>The schedule monitor's record (the blob Functions keeps under azure-webjobs-hosts/timers).</summary>
internal sealed record TimerStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
