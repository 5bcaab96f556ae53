using Hub.Functions.Hosting;
using Hub.Functions.Housekeeping;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Health;

/// <summary><c>GET /api/health</c>: 200 when blob, queue and table storage answer, 503 problem details naming the failure.</summary>
public sealed class HealthFunctions(StorageProbe probe, HeartbeatStore heartbeats, HubHostInfo host)
{
    [Function("Health_Get")]
    [AllowAnonymous]
    [Tags("Health")]
    [EndpointSummary("200 when storage, queues and timers are healthy; 503 naming the failing service")]
    [ProducesResponseType<HealthReport>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyDictionary<string, ServiceHealth> storage = await probe.ProbeAsync(ct);
        string mode = host.ModeName;
        string[] failures = storage.Where(s => !s.Value.Ok).Select(s => $"{s.Key}: {s.Value.Error}").ToArray();
        if (failures.Length > 0)
        {
            request.HttpContext.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Storage unavailable",
                detail: string.Join("; ", failures),
                extensions: new Dictionary<string, object?> { ["mode"] = mode, ["storage"] = storage });
        }

        Heartbeat? last = await heartbeats.ReadAsync(probe.Account, host.InstanceId, ct);
        return TypedResults.Ok(new HealthReport("ok", mode, storage, last));
    }
}
