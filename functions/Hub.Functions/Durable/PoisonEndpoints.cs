using Hub.Functions.Admin;
using Hub.Functions.Hosting;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Hub.Functions.Durable;

/// <summary>Operators' view of poisoned work messages, with replay. Admin key only.</summary>
public static class PoisonEndpoints
{
    public static RouteGroupBuilder MapPoisonEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder poison = app.MapGroup("/api/admin/poison").WithTags("Admin").WithMetadata(new OpenApi.AdminKeyRequired()).AddEndpointFilter(RequireAdminKey);
        poison.MapGet("/", ListAsync).WithSummary("Work-queue messages that failed maxDequeueCount times, with their last error");
        poison.MapPost("/{id}/replay", ReplayAsync).WithSummary("Put a poison message back on the work queue");
        return poison;
    }

    private static async Task<Ok<PoisonList>> ListAsync(PoisonStore store, DurableStorage storage, string? continuation, int? pageSize, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        var (items, next) = await store.ListAsync(continuation, Math.Clamp(pageSize ?? 100, 1, 1000), ct);
        return TypedResults.Ok(new PoisonList(items, next));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> ReplayAsync(string id, PoisonStore store, DurableStorage storage, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        return await store.ReplayAsync(id, ct)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown poison message", detail: $"No poisoned work message has id '{id}'.");
    }

    private static async ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        string? expected = http.RequestServices.GetRequiredService<IOptions<HubOptions>>().Value.AdminKey;
        return AdminKeyCheck.Matches(http.Request.Headers[AdminEndpoints.KeyHeader], expected)
            ? await next(context)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: $"A valid admin key is required in the {AdminEndpoints.KeyHeader} header.");
    }

    public sealed record PoisonList(IReadOnlyList<PoisonMessage> Items, string? Continuation);
}
