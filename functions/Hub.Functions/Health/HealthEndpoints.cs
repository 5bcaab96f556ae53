using Hub.Functions.Hosting;
using Hub.Functions.Housekeeping;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Health;

/// <summary><c>GET /api/health</c>: 200 when blob, queue and table storage answer, 503 problem details naming the failure.</summary>
public static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder health = app.MapGroup("/api/health").WithTags("Health");
        health.MapGet("/", GetHealthAsync).WithSummary("200 when storage, queues and timers are healthy; 503 naming the failing service");
        return health;
    }

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> GetHealthAsync(
        StorageProbe probe, HeartbeatStore heartbeats, HubHostInfo host, HttpResponse response, CancellationToken ct)
    {
        IReadOnlyDictionary<string, ServiceHealth> storage = await probe.ProbeAsync(ct);
        string mode = host.Mode == HostMode.CustomHandler ? "customHandler" : "standalone";
        string[] failures = storage.Where(s => !s.Value.Ok).Select(s => $"{s.Key}: {s.Value.Error}").ToArray();
        if (failures.Length > 0)
        {
            response.Headers.RetryAfter = "10";
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
