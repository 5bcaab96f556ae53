using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// <c>POST /api/hooks/alerts/{format}</c>: verify, parse, store durably on the work queue, then answer 202. A grouped
/// notification is one queue message; its alerts become at most one ticket change each.
/// </summary>
public static class AlertEndpoints
{
    public static RouteGroupBuilder MapAlertHooks(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder hooks = app.MapGroup("/api/hooks/alerts").WithTags("Intake");
        hooks.MapPost("/{format}", ReceiveAsync)
            .WithSummary("Receive monitoring alerts: format alertmanager, grafana, azure-monitor or pagerduty")
            .WithDescription("Authenticated per the configured source. 202 once stored; duplicates are no-ops; 503 with Retry-After when storage is down or the hub is overloaded; 413 over 1 MB; 422 naming the fields.");
        return hooks;
    }

    private static async Task<IResult> ReceiveAsync(
        string format, HttpRequest request, HubConfiguration config, WebhookVerifier verifier, WorkQueue work, Durable.DurableStorage storage, TimeProvider clock, CancellationToken ct)
    {
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

    public sealed record AlertAccepted(string DeliveryKey, int Alerts, int TruncatedAlerts);
}
