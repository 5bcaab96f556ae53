namespace Hub.Functions.Hosting;

/// <summary>Facts about this running hub instance, fixed at start.</summary>
public sealed record HubHostInfo(HostMode Mode, string HostId, string InstanceId, string EnvironmentName, TimeZoneInfo TimeZone);
