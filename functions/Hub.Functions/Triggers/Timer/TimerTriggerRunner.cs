using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hub.Functions.Functions;
using Hub.Functions.Hosting;
using Hub.Storage.Account;
using Hub.Storage.Blobs;

namespace Hub.Functions.Triggers.Timer;

/// <summary>
/// Standalone mode's timer trigger for one function, firing each occurrence once across all hub instances: like the
/// Functions host, only the holder of a blob lease (<c>hub-locks/&lt;hostId&gt;/&lt;function&gt;.listener</c>) runs the
/// schedule, and each occurrence is claimed in the status blob before it fires, so a lease that changes hands (or is
/// briefly held twice after a missed renewal) still fires an occurrence at most once. An occurrence missed while no
/// instance held the lease fires once, late, with IsPastDue.
/// </summary>
public sealed class TimerTriggerRunner(
    FunctionDefinition function,
    StorageAccount account,
    FunctionInvoker invoker,
    HubOptions options,
    TimeProvider clock,
    ILogger<TimerTriggerRunner> logger) : BackgroundService
{
    public const string LockContainer = "hub-locks";

    // Waking a little late is normal; later than this means the occurrence was missed.
    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(1);

    private readonly TimerSchedule _schedule = function.Schedule!;
    private readonly BlobContainerClient _container = account.GetBlobContainerClient(LockContainer);
    private bool _startupRunDone;

    public string FunctionName => function.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BlobClient lockBlob = _container.GetBlobClient($"{options.HostId}/{function.Name}.listener");
        var status = new ScheduleStatusBlob(_container.GetBlobClient($"{options.HostId}/{function.Name}.status"));

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                await lockBlob.UploadIfAbsentAsync(BinaryData.Empty, cancellationToken: stoppingToken);
                BlobLeaseClient lease = lockBlob.GetBlobLeaseClient();
                if (await lease.TryAcquireAsync(options.TimerLeaseDuration, stoppingToken))
                {
                    await RunWhileHoldingAsync(lease, status, stoppingToken);
                    continue;
                }
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning("Timer '{FunctionName}': storage failed ({Status} {ErrorCode}); retrying", function.Name, ex.Status, ex.ErrorCode);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(options.TimerLeaseRetryInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunWhileHoldingAsync(BlobLeaseClient lease, ScheduleStatusBlob status, CancellationToken stoppingToken)
    {
        logger.LogInformation("Timer '{FunctionName}' ({Schedule}): this instance holds the schedule", function.Name, function.ScheduleText);
        using var held = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var lost = new LeaseFlag();
        Task renewing = KeepLeaseAsync(lease, lost, held);
        try
        {
            if (function.RunOnStartup && !_startupRunDone)
            {
                _startupRunDone = true;
                DateTimeOffset now = clock.GetUtcNow();
                await FireAsync(now, _schedule.NextAfter(now) ?? now, pastDue: false, held.Token);
            }

            await RunScheduleAsync(status, held.Token);
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // Stopping, or the lease was lost: another instance takes over.
        }
        finally
        {
            await held.CancelAsync();
            await renewing;
            if (!lost.Value)
            {
                await ReleaseAsync(lease);
            }
        }
    }

    private async Task RunScheduleAsync(ScheduleStatusBlob statusBlob, CancellationToken ct)
    {
        string scheduleText = _schedule.ToString() ?? "";
        while (true)
        {
            (ScheduleStatus? status, ETag? etag) = await statusBlob.ReadAsync(ct);
            DateTimeOffset now = clock.GetUtcNow();
            DateTimeOffset? due = status is not null && status.Schedule == scheduleText ? status.Next : _schedule.NextAfter(now);
            if (due is not { } occurrence)
            {
                logger.LogWarning("Timer '{FunctionName}': schedule {Schedule} has no future occurrence", function.Name, scheduleText);
                await Task.Delay(Timeout.InfiniteTimeSpan, clock, ct);
                return;
            }

            bool pastDue = now - occurrence > PastDueTolerance;
            while (!pastDue && clock.GetUtcNow() is var current && current < occurrence)
            {
                await Task.Delay(occurrence - current, clock, ct);
            }

            now = clock.GetUtcNow();
            // After a missed occurrence the schedule resumes from now rather than replaying every missed one.
            DateTimeOffset next = _schedule.NextAfter(pastDue ? now : occurrence) ?? DateTimeOffset.MaxValue;
            if (!await statusBlob.TryWriteAsync(new ScheduleStatus(occurrence, next, now, scheduleText), etag, ct))
            {
                continue; // another instance recorded this occurrence first
            }

            await FireAsync(occurrence, next, pastDue, ct);
        }
    }

    private async Task FireAsync(DateTimeOffset occurrence, DateTimeOffset next, bool pastDue, CancellationToken ct)
    {
        DateTimeOffset now = clock.GetUtcNow();
        var timer = new TimerInfo(function.ScheduleText ?? "", new TimerScheduleStatus(occurrence, next, now), pastDue);
        var metadata = new Dictionary<string, string>
        {
            ["sys.MethodName"] = function.Name,
            ["sys.UtcNow"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["sys.RandGuid"] = Guid.NewGuid().ToString(),
        };
        // A failed timer run is logged by the invoker and not retried, as in the Functions host.
        _ = await invoker.InvokeAsync(
            new FunctionInvocation(function.Name, TriggerKind.Timer, function.BindingName, null, timer, metadata, InvocationSource.Runner), ct);
    }

    private async Task KeepLeaseAsync(BlobLeaseClient lease, LeaseFlag lost, CancellationTokenSource held)
    {
        long lastRenewed = clock.GetTimestamp();
        TimeSpan interval = options.TimerLeaseRenewInterval;
        try
        {
            while (true)
            {
                await Task.Delay(interval, clock, held.Token);
                try
                {
                    if (await lease.TryRenewAsync(held.Token))
                    {
                        lastRenewed = clock.GetTimestamp();
                        interval = options.TimerLeaseRenewInterval;
                        continue;
                    }

                    logger.LogWarning("Timer '{FunctionName}': the schedule lease was lost", function.Name);
                }
                catch (RequestFailedException ex) when (clock.GetElapsedTime(lastRenewed) < options.TimerLeaseDuration - interval)
                {
                    // Storage hiccup: retry sooner while the lease is still ours.
                    logger.LogWarning("Timer '{FunctionName}': renewing the lease failed ({Status}); retrying", function.Name, ex.Status);
                    interval = TimeSpan.FromTicks(Math.Max(interval.Ticks / 2, TimeSpan.TicksPerSecond));
                    continue;
                }
                catch (RequestFailedException ex)
                {
                    logger.LogWarning("Timer '{FunctionName}': could not renew the lease in time ({Status})", function.Name, ex.Status);
                }

                lost.Value = true;
                await held.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // Stopped holding.
        }
    }

    private async Task ReleaseAsync(BlobLeaseClient lease)
    {
        try
        {
            // Releasing lets another instance take over at once instead of after the lease expires.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await lease.ReleaseIfHeldAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException)
        {
            logger.LogInformation("Timer '{FunctionName}': lease not released ({Error}); it expires by itself", function.Name, ex.Message);
        }
    }

    private sealed class LeaseFlag
    {
        public bool Value { get; set; }
    }
}
