using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hub.Standalone.Invocation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Standalone.Timers;

/// <summary>
/// Runs one timer function on the instance that holds its blob lease, so each occurrence fires once however many
/// instances share the storage account (the Functions host's singleton lock). The status blob records the last
/// occurrence, so a new lease holder knows whether one was missed and fires it once as past due.
/// </summary>
internal sealed class TimerRunner(
    TimerFunction timer,
    BlobContainerClient container,
    string hostId,
    IServiceProvider services,
    TimeProvider time,
    ILogger logger)
{
    // Blob leases last 15 to 60 s; the holder renews well inside that, and a crashed holder's lease lapses in 15 s.
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    internal static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan AcquireEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ErrorDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RenewMargin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private readonly FunctionInvoker _invoker = new(timer.Definition);
    private readonly BlobClient _lock = container.GetBlobClient($"locks/{hostId}/{timer.Definition.Name}/lock");
    private readonly BlobClient _status = container.GetBlobClient($"timers/{hostId}/{timer.Definition.Name}/status");
    private bool _ranOnStartup;

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                string? leaseId = await TryAcquireAsync(stopping).ConfigureAwait(false);
                if (leaseId is null)
                {
                    await Task.Delay(AcquireEvery, time, stopping).ConfigureAwait(false);
                    continue;
                }

                await LeadAsync(_lock.GetBlobLeaseClient(leaseId), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Storage down or the lease lost: log, wait, try again; a timer must never stop the host.
                logger.LogWarning(e, "Timer {Function}: {Message}; retrying in {Delay}.", timer.Definition.Name, e.Message, ErrorDelay);
                await DelayQuietlyAsync(ErrorDelay, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task<string?> TryAcquireAsync(CancellationToken stopping)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: stopping).ConfigureAwait(false);
        try
        {
            await _lock.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, stopping).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The lock blob exists already (possibly leased by another instance).
        }

        try
        {
            BlobLeaseClient lease = _lock.GetBlobLeaseClient(Guid.NewGuid().ToString());
            Response<BlobLease> acquired = await lease.AcquireAsync(LeaseDuration, cancellationToken: stopping).ConfigureAwait(false);
            return acquired.Value.LeaseId;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    private async Task LeadAsync(BlobLeaseClient lease, CancellationToken stopping)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task renewal = RenewAsync(lease, lost);
        try
        {
            await FireOnScheduleAsync(lost.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            logger.LogWarning("Timer {Function}: lease lost; trying to take it back.", timer.Definition.Name);
        }
        finally
        {
            await lost.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                // Hand the schedule over at once instead of making the next instance wait out the lease.
                try
                {
                    await lease.ReleaseAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
                catch (RequestFailedException e)
                {
                    logger.LogDebug(e, "Timer {Function}: lease release failed; it lapses by itself.", timer.Definition.Name);
                }
            }
        }
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationTokenSource lost)
    {
        // The lease was acquired just now; it lapses LeaseDuration after its last renewal was sent.
        DateTimeOffset expires = time.GetUtcNow() + LeaseDuration;
        while (!lost.IsCancellationRequested)
        {
            if (!await DelayQuietlyAsync(RenewEvery, lost.Token).ConfigureAwait(false))
            {
                return;
            }

            // A renewal still under way when the lease lapses (storage hanging) may be too late: another instance can
            // hold the lease by then, so this one gives the schedule up before, rather than fire an occurrence twice.
            TimeSpan left = expires - time.GetUtcNow() - RenewMargin;
            using var deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(lost.Token, deadline.Token);
            try
            {
                DateTimeOffset sent = time.GetUtcNow();
                await lease.RenewAsync(cancellationToken: attempt.Token).ConfigureAwait(false);
                expires = sent + LeaseDuration;
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Timer {Function}: lease renewal failed ({Message}); giving up the schedule.", timer.Definition.Name, e.Message);
                await lost.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task FireOnScheduleAsync(CancellationToken lost)
    {
        TimerStatus? status = await ReadStatusAsync(lost).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        if (timer.Trigger.RunOnStartup && !_ranOnStartup)
        {
            _ranOnStartup = true;
            await FireAsync(now, isPastDue: false, lost).ConfigureAwait(false);
        }
        else if (timer.Trigger.UseMonitor && status is not null && timer.Schedule.Next(status.Last) is var missed && missed < now)
        {
            // An occurrence went by while no instance held the lease: fire it once, as the Functions host does.
            await FireAsync(missed, isPastDue: true, lost).ConfigureAwait(false);
        }

        // Never before the last recorded occurrence: a wake-up a tick early must not fire the same occurrence twice.
        DateTimeOffset fired = status?.Last ?? DateTimeOffset.MinValue;
        while (true)
        {
            DateTimeOffset current = time.GetUtcNow();
            DateTimeOffset next = timer.Schedule.Next(current > fired ? current : fired);
            await WaitUntilAsync(next, time, lost).ConfigureAwait(false);
            await FireAsync(next, isPastDue: false, lost).ConfigureAwait(false);
            fired = next;
        }
    }

    /// <summary>
    /// Waits until <paramref name="due"/> by <paramref name="time"/>, a day at a time: <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>
    /// refuses a wait of over 49.7 days, which a yearly schedule (or the tests' "0 0 0 1 1 *") asks for.
    /// </summary>
    internal static async Task WaitUntilAsync(DateTimeOffset due, TimeProvider time, CancellationToken ct)
    {
        TimeSpan wait;
        while ((wait = due - time.GetUtcNow()) > TimeSpan.Zero)
        {
            await Task.Delay(wait < MaxWait ? wait : MaxWait, time, ct).ConfigureAwait(false);
        }
    }

    private async Task FireAsync(DateTimeOffset occurrence, bool isPastDue, CancellationToken lost)
    {
        DateTimeOffset next = timer.Schedule.Next(occurrence);
        var info = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus { Last = occurrence.UtcDateTime, Next = next.UtcDateTime, LastUpdated = time.GetUtcNow().UtcDateTime },
        };
        try
        {
            await using AsyncServiceScope scope = services.CreateAsyncScope();
            object?[] arguments = Arguments(timer.Definition, info, scope.ServiceProvider, lost);
            await _invoker.InvokeAsync(scope.ServiceProvider, arguments).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !lost.IsCancellationRequested)
        {
            // A failed run is logged and the schedule goes on, as in the Functions host.
            logger.LogError(e, "Timer {Function} failed for {Occurrence:O}.", timer.Definition.Name, occurrence);
        }

        var status = new TimerStatus(occurrence, next, time.GetUtcNow());
        await _status.UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, lost).ConfigureAwait(false);
    }

    /// <summary>A timer function's arguments: the <see cref="TimerInfo"/>, a <c>[DurableClient]</c> and the <see cref="CancellationToken"/>.</summary>
    internal static object?[] Arguments(Discovery.FunctionDefinition function, TimerInfo info, IServiceProvider services, CancellationToken token) =>
        function.Method.GetParameters()
            .Select(p => p.ParameterType == typeof(TimerInfo) ? info
                : p.ParameterType == typeof(CancellationToken) ? token
                : Invocation.DurableClientBinding.Is(p) ? Invocation.DurableClientBinding.Resolve(services)
                : (object?)null)
            .ToArray();

    private async Task<TimerStatus?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobDownloadResult> content = await _status.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson<TimerStatus>();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<bool> DelayQuietlyAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
