using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;
using Hub.Functions.Http;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// <c>POST /api/hooks/alerts/{format}</c>: verify, parse, store durably on the work queue, then answer 202. A grouped
/// notification is one queue message; its alerts become at most one ticket change each. An exact repeat of a delivery
/// that was applied in full (<see cref="AlertDeliveryLog"/>) is answered 202 without being queued again.
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

        if (deliveries.IsKnownDone(format, batch.DeliveryKey))
        {
            // An exact repeat of a delivery already applied in full: it is durably stored, and nothing new would happen.
            return TypedResults.Accepted((string?)null, new AlertAccepted(batch.DeliveryKey, batch.Alerts.Count, batch.TruncatedAlerts) { Duplicate = true });
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
        return TypedResults.Accepted((string?)null, new AlertAccepted(batch.DeliveryKey, batch.Alerts.Count, batch.TruncatedAlerts));
    }

    public sealed record AlertAccepted(string DeliveryKey, int Alerts, int TruncatedAlerts)
    {
        /// <summary>True when this exact delivery was applied before and was therefore not queued again.</summary>
        public bool Duplicate { get; init; }
    }
}
