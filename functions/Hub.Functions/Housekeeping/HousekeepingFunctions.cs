using Hub.Functions.Hosting;
using Hub.Functions.Intake.Deliveries;
using Hub.Storage.Idempotency;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Housekeeping;

/// <summary>
/// The Housekeeping timer: records this instance's heartbeat, which <c>/api/health</c> reports, so an operator sees
/// that timers fire and storage accepts writes; then deletes delivery records past their retention
/// (<see cref="DeliveryRecords.Retention"/>), a bounded number per run, and the <c>Idempotency-Key</c> records past theirs.
/// </summary>
public sealed class HousekeepingFunctions(
    HeartbeatStore store,
    IdempotencyStore idempotency,
    StorageAccounts accounts,
    HubHostInfo host,
    DeliveryRecords deliveries,
    Durable.DurableStorage durable,
    TimeProvider clock,
    ILogger<HousekeepingFunctions> logger)
{
    /// <summary>At most this many expired delivery records are deleted per run; the next run takes the rest.</summary>
    public const int MaxExpiredPerRun = 500;

    [Function("Housekeeping")]
    public async Task RunAsync([TimerTrigger("%Hub__HousekeepingSchedule%", RunOnStartup = false, UseMonitor = true)] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        // A run by hand (POST /admin/functions/Housekeeping) carries no schedule status; the schedule's runs do.
        string trigger = timer.ScheduleStatus is null ? "Admin" : timer.IsPastDue ? "PastDue" : "Schedule";
        var heartbeat = new Heartbeat(host.InstanceId, host.HostId, host.ModeName, clock.GetUtcNow(), trigger);
        await store.WriteAsync(accounts.Get(), heartbeat, ct);
        logger.LogInformation("Heartbeat of {InstanceId} written at {Time:O}.", host.InstanceId, heartbeat.Time);
        await durable.EnsureAsync(ct);
        int expired = await deliveries.ExpireAsync(heartbeat.Time - DeliveryRecords.Retention, MaxExpiredPerRun, ct);
        if (expired > 0)
        {
            logger.LogInformation("Deleted {Count} delivery records last received before {Cutoff:O}.", expired, heartbeat.Time - DeliveryRecords.Retention);
        }

        int expiredKeys = await idempotency.DeleteExpiredAsync(heartbeat.Time, ct);
        logger.LogInformation("Deleted {Count} expired Idempotency-Key records.", expiredKeys);
    }
}
