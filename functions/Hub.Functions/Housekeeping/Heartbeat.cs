namespace Hub.Functions.Housekeeping;

/// <summary>What the Housekeeping function records about one instance at each run.</summary>
public sealed record Heartbeat(string InstanceId, string HostId, string Mode, DateTimeOffset Time, string Trigger);
