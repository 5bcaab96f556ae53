using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Functions.Hosting;
using Hub.Storage.Account;
using Microsoft.Extensions.Options;

namespace Hub.Functions.Health;

/// <summary>
/// One cheap signed call per service (list with a page size of one), without retries and under a short timeout, so a
/// dead account answers the health check quickly instead of after the pipeline's retry schedule.
/// </summary>
public sealed class StorageProbe(StorageAccounts accounts, IOptions<HubOptions> options, TimeProvider clock)
{
    private readonly Lazy<StorageAccount> _account = new(() => accounts.CreateProbe(options.Value.HealthTimeout));

    public StorageAccount Account => _account.Value;

    public async Task<IReadOnlyDictionary<string, ServiceHealth>> ProbeAsync(CancellationToken ct)
    {
        Task<ServiceHealth> blob = ProbeAsync(StorageService.Blob, "?comp=list&maxresults=1", ct);
        Task<ServiceHealth> queue = ProbeAsync(StorageService.Queue, "?comp=list&maxresults=1", ct);
        Task<ServiceHealth> table = ProbeAsync(StorageService.Table, "/Tables?$top=1", ct);
        await Task.WhenAll(blob, queue, table);
        return new Dictionary<string, ServiceHealth>
        {
            ["blob"] = await blob,
            ["queue"] = await queue,
            ["table"] = await table,
        };
    }

    private async Task<ServiceHealth> ProbeAsync(StorageService service, string pathAndQuery, CancellationToken ct)
    {
        long started = clock.GetTimestamp();
        double Elapsed() => Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 1);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.HealthTimeout);
        HttpPipeline pipeline = Account.Pipeline(service);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(Account.Endpoint(service) + pathAndQuery));
        message.Request.Headers.SetValue("Accept", "application/json;odata=nometadata");
        try
        {
            await pipeline.SendAsync(message, timeout.Token);
            int status = message.Response.Status;
            return status == 200
                ? new ServiceHealth(true, status, null, Elapsed())
                : new ServiceHealth(false, status, $"HTTP {status} {message.Response.ReasonPhrase}".TrimEnd(), Elapsed());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ServiceHealth(false, null, $"no answer within {options.Value.HealthTimeout.TotalSeconds:0.#} s", Elapsed());
        }
        catch (RequestFailedException ex)
        {
            // Transport failures (connection refused, DNS) arrive as status 0; the message says what happened.
            return new ServiceHealth(false, ex.Status == 0 ? null : ex.Status, ex.InnerException?.Message ?? ex.Message.Split('\n')[0], Elapsed());
        }
    }
}
