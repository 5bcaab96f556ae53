using Hub.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Housekeeping;

/// <summary>
/// The Housekeeping timer: records this instance's heartbeat, which <c>/api/health</c> reports, so an operator sees
/// that timers fire and storage accepts writes.
/// </summary>
public sealed class HousekeepingFunctions(HeartbeatStore store, StorageAccounts accounts, HubHostInfo host, TimeProvider clock, ILogger<HousekeepingFunctions> logger)
{
    [Function("Housekeeping")]
    public async Task RunAsync([TimerTrigger("%Hub__HousekeepingSchedule%", RunOnStartup = false, UseMonitor = true)] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        // A run by hand (POST /admin/functions/Housekeeping) carries no schedule status; the schedule's runs do.
        string trigger = timer.ScheduleStatus is null ? "Admin" : timer.IsPastDue ? "PastDue" : "Schedule";
        var heartbeat = new Heartbeat(host.InstanceId, host.HostId, host.ModeName, clock.GetUtcNow(), trigger);
        await store.WriteAsync(accounts.Get(), heartbeat, ct);
        logger.LogInformation("Heartbeat of {InstanceId} written at {Time:O}.", host.InstanceId, heartbeat.Time);
    }
}
