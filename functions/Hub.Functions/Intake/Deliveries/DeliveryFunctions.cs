using Hub.Domain.Configuration;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Intake.Deliveries;

/// <summary>
/// <c>GET /api/hooks/deliveries/{deliveryId}</c>: what became of a webhook delivery (received, applied, refused with the
/// reason, duplicate). A webhook's signature or token signs a body, so it cannot authenticate a GET: the record is read
/// with an API key of the integrator role, the role ticket systems and monitoring act as (app-admin passes as ever).
/// </summary>
public sealed class DeliveryFunctions(DeliveryRecords records, Durable.DurableStorage storage)
{
    [Function("Deliveries_Get")]
    [RequireRole(Role.Integrator)]
    [Tags("Intake")]
    [EndpointSummary("What became of a webhook delivery: received, applied, refused with the reason, or duplicate")]
    [EndpointDescription("The id is the one the 202 of the delivery named (delivery.id, and its Location). API key of role integrator (or app-admin).")]
    [ProducesResponseType<DeliveryRecord>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/hooks/deliveries/{deliveryId}")] HttpRequest request, string deliveryId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        return await records.GetAsync(deliveryId, ct) is { } record
            ? TypedResults.Ok(record)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such delivery", detail: $"No delivery record has the id '{deliveryId}'.");
    }
}

/// <summary>The delivery record a 202 names: its id and where to read it.</summary>
public sealed record DeliveryLink(string Id, string Href)
{
    public static DeliveryLink Of(string id) => new(id, DeliveryRecords.PathOf(id));
}
