using Azure;
using Hub.Functions.Hosting;
using Hub.Storage.Account;
using Microsoft.Extensions.Options;

namespace Hub.Functions.Health;

/// <summary>
/// One cheap signed call per service (list with a page size of one), without retries and under a short timeout, so a
/// dead account answers the health check quickly instead of after the clients' retry schedule.
/// </summary>
public sealed class StorageProbe(StorageAccounts accounts, IOptions<HubOptions> options, TimeProvider clock)
{
    private readonly Lazy<StorageAccount> _account = new(() => accounts.CreateProbe(options.Value.HealthTimeout));

    public StorageAccount Account => _account.Value;

    public async Task<IReadOnlyDictionary<string, ServiceHealth>> ProbeAsync(CancellationToken ct)
    {
        Task<ServiceHealth> blob = ProbeAsync(async t => { await foreach (var _ in Account.Blobs.GetBlobContainersAsync(cancellationToken: t).AsPages(null, 1)) { break; } }, ct);
        Task<ServiceHealth> queue = ProbeAsync(async t => { await foreach (var _ in Account.Queues.GetQueuesAsync(cancellationToken: t).AsPages(null, 1)) { break; } }, ct);
        Task<ServiceHealth> table = ProbeAsync(async t => { await foreach (var _ in Account.Tables.QueryAsync(maxPerPage: 1, cancellationToken: t).AsPages(null, 1)) { break; } }, ct);
        await Task.WhenAll(blob, queue, table);
        return new Dictionary<string, ServiceHealth>
        {
            ["blob"] = await blob,
            ["queue"] = await queue,
            ["table"] = await table,
        };
    }

    private async Task<ServiceHealth> ProbeAsync(Func<CancellationToken, Task> listOnePage, CancellationToken ct)
    {
        long started = clock.GetTimestamp();
        double Elapsed() => Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 1);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.HealthTimeout);
        try
        {
            await listOnePage(timeout.Token);
            return new ServiceHealth(true, 200, null, Elapsed());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ServiceHealth(false, null, $"no answer within {options.Value.HealthTimeout.TotalSeconds:0.#} s", Elapsed());
        }
        catch (RequestFailedException ex)
        {
            // Transport failures (connection refused, DNS) arrive as status 0; the message says what happened.
            return ex.Status == 0
                ? new ServiceHealth(false, null, ex.InnerException?.Message ?? ex.Message.Split('\n')[0], Elapsed())
                : new ServiceHealth(false, ex.Status, $"HTTP {ex.Status} {ex.ErrorCode}".TrimEnd(), Elapsed());
        }
    }
}
