using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Notifications;

/// <summary>
/// <c>GET /api/outbox</c>: the development mail outbox (and mails a provider refused), newest first, as JSON. Any API
/// role may read it; mail can hold customer data. The dashboard shows the same list at <c>/outbox</c>
/// (<see cref="Dashboard.OutboxPages"/>).
/// </summary>
public sealed class OutboxFunctions(BlobMailOutbox outbox, DurableStorage storage)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Function("Outbox_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator)]
    [Tags("Mail")]
    [EndpointSummary("The mail outbox (development sender) and refused mails, newest first")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/outbox")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WholeNumber("limit", out int? limit) is { } invalid)
        {
            return invalid;
        }

        await storage.EnsureAsync(ct);
        int max = Math.Clamp(limit ?? 100, 1, 1000);
        IReadOnlyList<OutboxEntry> newest = await OutboxListing.NewestAsync(outbox, max, ct);
        return TypedResults.Json(new { items = newest }, Json);
    }
}
