using Hub.Functions.Functions;
using Hub.Functions.Hosting;

namespace Hub.Functions.Housekeeping;

/// <summary>
/// The Housekeeping timer function: records this instance's heartbeat, which <c>/api/health</c> reports, so an operator
/// sees that timers fire and storage accepts writes.
/// </summary>
public sealed class HousekeepingHandler(HeartbeatStore store, StorageAccounts accounts, HubHostInfo host, TimeProvider clock) : IFunctionHandler
{
    public const string FunctionName = "Housekeeping";

    public string Name => FunctionName;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        string mode = host.Mode == HostMode.CustomHandler ? "customHandler" : "standalone";
        var heartbeat = new Heartbeat(host.InstanceId, host.HostId, mode, clock.GetUtcNow(), invocation.Source.ToString());
        await store.WriteAsync(accounts.Get(), heartbeat, ct);
        return FunctionResult.WithLogs($"Heartbeat of {host.InstanceId} written at {heartbeat.Time:O}.");
    }
}
