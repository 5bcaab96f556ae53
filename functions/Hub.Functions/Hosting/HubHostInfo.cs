namespace Hub.Functions.Hosting;

/// <summary>Facts about this running hub instance, fixed at start.</summary>
/// <param name="PublicUrl">The base of links the hub sends out (Hub__PublicUrl, else https://WEBSITE_HOSTNAME, else the listen URL).</param>
public sealed record HubHostInfo(HostMode Mode, string HostId, string InstanceId, string EnvironmentName, TimeZoneInfo TimeZone, Uri PublicUrl)
{
    /// <summary>The mode as health and heartbeats report it: <c>standalone</c> or <c>functionsHost</c>.</summary>
    public string ModeName => Mode == HostMode.FunctionsHost ? "functionsHost" : "standalone";
}
