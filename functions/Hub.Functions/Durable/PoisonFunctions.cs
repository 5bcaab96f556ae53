using Hub.Functions.Admin;
using Hub.Functions.Http;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Durable;

/// <summary>
/// Operators' view of poisoned work messages, with replay. They take the admin key (x-functions-key), not an API key;
/// the guard checks it.
/// </summary>
public sealed class PoisonFunctions(PoisonStore store, DurableStorage storage)
{
    [Function("Poison_List")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("Work-queue messages that failed maxDequeueCount times, with their last error")]
    [ProducesResponseType<PoisonList>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/poison")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WholeNumber("pageSize", out int? pageSize) is { } invalid)
        {
            return invalid;
        }

        await storage.EnsureAsync(ct);
        var (items, next) = await store.ListAsync(request.Text("continuation"), Math.Clamp(pageSize ?? 100, 1, 1000), ct);
        return TypedResults.Ok(new PoisonList(items, next));
    }

    [Function("Poison_Replay")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("Put a poison message back on the work queue")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/poison/{id}/replay")] HttpRequest request, string id, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        return await store.ReplayAsync(id, ct)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown poison message", detail: $"No poisoned work message has id '{id}'.");
    }
}
