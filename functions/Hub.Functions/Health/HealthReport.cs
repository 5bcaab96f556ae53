using Hub.Functions.Housekeeping;

namespace Hub.Functions.Health;

/// <summary>The body of a healthy <c>GET /api/health</c>.</summary>
public sealed record HealthReport(string Status, string Mode, IReadOnlyDictionary<string, ServiceHealth> Storage, Heartbeat? LastHeartbeat);
