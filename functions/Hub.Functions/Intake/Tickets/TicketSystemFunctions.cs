using Hub.Domain.Configuration;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Intake.Tickets;
using Hub.Functions.Http;
using Hub.Functions.Intake.Deliveries;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Intake.Tickets;

/// <summary>
/// <c>POST /api/hooks/tickets/{system}</c>: verify, drop the hub's own echoes, parse, record the delivery as received,
/// apply it to the external-ref aggregate durably, then answer 202 naming the delivery record; the commands the commit
/// sends on to the ticket report on that record as they run. Format and decisions: docs/ticket-systems.md.
/// </summary>
public sealed class TicketSystemFunctions(
    HubConfiguration config, WebhookVerifier verifier, TicketHookHandler handler, DeliveryRecords deliveries, Durable.DurableStorage storage)
{
    public const string SourceKind = "tickets";

    [Function("TicketSystems_Receive")]
    [AllowAnonymous]
    [IntakeLimited]
    [Tags("Intake")]
    [EndpointSummary("Receive an external ticket-system event (created, updated, commented, status) or a release transition")]
    [EndpointDescription("Mapped to local tickets by external ref; X-Delivery-Id makes redelivery a no-op. 202 once stored, with the delivery record's id and Location (GET /api/hooks/deliveries/{deliveryId}); 413 over 1 MB; 415 unless the body is application/json; 422 naming the fields.")]
    [Consumes(typeof(System.Text.Json.JsonElement), "application/json")]
    [ProducesResponseType<TicketHookAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status415UnsupportedMediaType)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [ProducesResponseType(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IResult> ReceiveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/hooks/tickets/{system}")] HttpRequest request, string system, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (config.Sources.FirstOrDefault(s => s.Kind == SourceKind && string.Equals(s.System, system, StringComparison.Ordinal)) is not { } source)
        {
            return IntakeProblems.UnknownRoute($"No ticket-system source with system '{system}' is configured.");
        }

        WebhookReceipt receipt = await verifier.ReceiveAsync(request, source, BodyLimits.Hook, ct);
        if (receipt.Refusal is { } refusal)
        {
            return refusal;
        }

        // The hub's own change coming back from the external system: acknowledged so the sender stops, never applied.
        if (request.Headers.ContainsKey(MailThreading.LoopHeader) || TicketHookParser.IsFromHub(receipt.Body.Span))
        {
            return TypedResults.Accepted((string?)null, new TicketHookAccepted(system, null, null, null, Duplicate: false, Ignored: true));
        }

        (TicketHook? hook, IReadOnlyList<TicketHookError> errors) = TicketHookParser.Parse(receipt.Body.Span);
        if (hook is null)
        {
            return Invalid(system, errors);
        }

        if (DeliveryIds.Choose(request, receipt.DeliveryId, hook, receipt.Body.Span) is not { } deliveryId)
        {
            return Invalid(system, [new TicketHookError(DeliveryIds.Header, $"must be 1-{TicketHookParser.MaxDeliveryIdLength} characters without control characters")]);
        }

        string externalId = hook is ReleaseTransition t ? t.TicketId : ((TicketSystemEvent)hook).Ticket.Id;
        await storage.EnsureAsync(ct);
        // Keyed as the external-ref inbox deduplicates: by external ticket and delivery id (two tickets may share an id).
        (string record, _) = await deliveries.ReceiveAsync(source.Name, $"{externalId}/{deliveryId}", $"{system} ticket {externalId}", ct);
        CommandOutcome<ExternalTicketState> outcome = await handler.ApplyAsync(system, hook, deliveryId, record, source.Name, ct);
        long[] tickets = outcome.State.Ticket is { } number ? [number] : [];
        switch (outcome.Status)
        {
            case CommandStatus.Applied or CommandStatus.Duplicate:
                // Applied: decided once each command sent on to the ticket has reported (they run after this answer).
                // Duplicate: the external-ref inbox had the delivery id, so nothing was sent on this time.
                await (outcome.Status == CommandStatus.Applied
                    ? deliveries.ExpectAsync(record, outcome.Commands, tickets, ct)
                    : deliveries.DecideAsync(record, DeliveryRecord.Duplicate, $"Delivery id {deliveryId} was applied before; nothing changed.", tickets, [], ct));
                var link = DeliveryLink.Of(record);
                return TypedResults.Accepted(
                    link.Href,
                    new TicketHookAccepted(system, externalId, deliveryId, outcome.State.Ticket, outcome.Status == CommandStatus.Duplicate, Ignored: false) { Delivery = link });
            default:
                IReadOnlyList<TicketHookError> fieldErrors = handler.ErrorsOf(system, hook, outcome.State);
                string reason = fieldErrors.Count > 0 ? string.Join("; ", fieldErrors.Select(e => $"{e.Field}: {e.Rule}")) : outcome.Reason ?? "refused";
                await deliveries.DecideAsync(record, DeliveryRecord.Refused, reason, tickets, [], ct);
                return fieldErrors.Count > 0
                    ? Invalid(system, fieldErrors)
                    : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Event not applied", detail: outcome.Reason);
        }
    }

    private static IResult Invalid(string system, IEnumerable<TicketHookError> errors) =>
        IntakeProblems.Invalid($"The {system} ticket-system event is not valid.", errors.Select(e => new IntakeProblems.FieldError(e.Field, e.Rule)));

    /// <param name="Ticket">The local ticket number the external ticket maps to (null when ignored).</param>
    /// <param name="Duplicate">This delivery was applied before; nothing changed.</param>
    /// <param name="Ignored">The hub's own change echoed back; nothing stored.</param>
    public sealed record TicketHookAccepted(string System, string? ExternalId, string? DeliveryId, long? Ticket, bool Duplicate, bool Ignored)
    {
        /// <summary>The delivery record (also the answer's Location); null for an ignored echo, which has none.</summary>
        public DeliveryLink? Delivery { get; init; }
    }
}
