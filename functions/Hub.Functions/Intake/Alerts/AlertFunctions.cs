using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;
using Hub.Functions.Http;
using Hub.Functions.Intake.Deliveries;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// <c>POST /api/hooks/alerts/{format}</c>: verify, parse, store durably on the work queue, then answer 202. A grouped
/// notification is one queue message; its alerts become at most one ticket change each. An exact repeat of a delivery
/// that was applied in full (<see cref="AlertDeliveryLog"/>) is answered 202 without being queued again, unless it
/// holds a firing alert (which may have resolved since: the work records that). The 202 names the delivery record,
/// which the work writes once it has applied the delivery: nothing but the queue message is written in the request.
/// </summary>
public sealed class AlertFunctions(
    HubConfiguration config, WebhookVerifier verifier, WorkQueue work, Durable.DurableStorage storage, AlertDeliveryLog deliveries, TimeProvider clock)
{
    [Function("Alerts_Receive")]
    [AllowAnonymous]
    [IntakeLimited]
    [Tags("Intake")]
    [EndpointSummary("Receive monitoring alerts: format alertmanager, grafana, azure-monitor or pagerduty")]
    [EndpointDescription("Authenticated per the configured source. 202 once stored; duplicates are no-ops; 503 with Retry-After when storage is down or the hub is overloaded; 413 over 1 MB; 415 unless the body is application/json; 422 naming the fields.")]
    [Consumes(typeof(System.Text.Json.JsonElement), "application/json")]
    [ProducesResponseType<AlertAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status415UnsupportedMediaType)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [ProducesResponseType(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IResult> ReceiveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/hooks/alerts/{format}")] HttpRequest request, string format, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AlertParser.Formats.Contains(format, StringComparer.Ordinal))
        {
            return IntakeProblems.UnknownRoute($"'{format}' is not an alert format; use one of {string.Join(", ", AlertParser.Formats)}.");
        }

        if (config.Sources.FirstOrDefault(s => s.Kind == format) is not { } source)
        {
            return IntakeProblems.UnknownRoute($"No webhook source of kind '{format}' is configured.");
        }

        WebhookReceipt receipt = await verifier.ReceiveAsync(request, source, BodyLimits.Hook, ct);
        if (receipt.Refusal is { } refusal)
        {
            return refusal;
        }

        (AlertBatch? batch, IReadOnlyList<AlertParseError> errors) = AlertParser.ParseDetailed(format, receipt.Body.Span, config.Alerts);
        if (batch is null || errors.Count > 0)
        {
            return IntakeProblems.Invalid($"The {format} payload is not valid.", errors.Select(e => new IntakeProblems.FieldError(e.Field, e.Rule)));
        }

        var link = DeliveryLink.Of(DeliveryRecords.IdOf(source.Name, batch.DeliveryKey));
        bool known = deliveries.IsKnownDone(link.Id);
        if (known && !batch.Alerts.Any(a => a.Status == AlertStatus.Firing))
        {
            // An exact repeat of a delivery already applied in full: it is durably stored, and nothing new would happen.
            // A repeated trigger is queued all the same: its alert may have resolved since, and that is recorded.
            return TypedResults.Accepted(link.Href, new AlertAccepted(batch.DeliveryKey, batch.Alerts.Count, batch.TruncatedAlerts) { Duplicate = true, Delivery = link });
        }

        await storage.EnsureAsync(ct);
        var delivery = new AlertDelivery(format, clock.GetUtcNow(), batch.Alerts);
        await work.SendAsync(
            new WorkMessage(
                $"alert-delivery:{Guid.NewGuid():N}",
                WorkMessage.CommandKind,
                AlertDeliveryHandler.AggregateKind,
                batch.DeliveryKey,
                System.Text.Json.JsonSerializer.Serialize(delivery, IntakeProblems.Json),
                Actor: $"{source.Name}"),
            cancellationToken: ct);
        return TypedResults.Accepted(link.Href, new AlertAccepted(batch.DeliveryKey, batch.Alerts.Count, batch.TruncatedAlerts) { Duplicate = known, Delivery = link });
    }

    public sealed record AlertAccepted(string DeliveryKey, int Alerts, int TruncatedAlerts)
    {
        /// <summary>True when this process knows this exact delivery was applied before (a repeated trigger is queued all the same).</summary>
        public bool Duplicate { get; init; }

        /// <summary>The delivery record, written once the delivery has been applied (GET it for what it did).</summary>
        public DeliveryLink? Delivery { get; init; }
    }
}
