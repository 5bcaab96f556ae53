using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Functions.Durable;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;

namespace Hub.Functions.Intake.Tickets;

/// <summary>
/// Applies a verified ticket-system hook to its external-ref aggregate, inside the request: the commit (state, event,
/// outbox rows commanding the local ticket, inbox row keyed by the delivery id) is the durable store, so the sender
/// gets 202 only after it and a redelivery is a <see cref="CommandStatus.Duplicate"/>.
/// </summary>
public sealed class TicketHookHandler(
    AggregateProcessor<ExternalTicketState, ExternalTicketCommand, ExternalTicketEvent> externalTickets,
    TicketNumbers numbers,
    HubConfiguration config,
    DurableStorage storage,
    TimeProvider clock)
{
    /// <param name="record">The delivery record's id: the commands the commit sends on carry it and report on it.</param>
    public async Task<CommandOutcome<ExternalTicketState>> ApplyAsync(
        string system, TicketHook hook, string deliveryId, string? record, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hook);
        await storage.EnsureAsync(ct);
        DateTimeOffset receivedAt = clock.GetUtcNow();
        string messageId = $"delivery:{deliveryId}";
        if (hook is ReleaseTransition transition)
        {
            return await externalTickets.HandleAsync(
                ExternalTicketDecider.IdOf(system, transition.TicketId), messageId, new RecordReleaseTransition(system, transition, receivedAt) { DeliveryId = record }, actor, ct);
        }

        var ticketEvent = (TicketSystemEvent)hook;
        string id = ExternalTicketDecider.IdOf(system, ticketEvent.Ticket.Id);
        // Decision: no per-system queue setting exists yet, so a 'created' event without a queue goes where mail does.
        return await numbers.HandleReservingAsync(
            externalTickets,
            id,
            messageId,
            candidate => new ApplyTicketEvent(system, ticketEvent, config.Mail.DefaultQueue, candidate, receivedAt) { DeliveryId = record },
            ExternalTicketDecider.NeedsNumber,
            actor,
            ct);
    }

    /// <summary>The field errors behind a refusal, checked against the state the refusal was decided on.</summary>
    public IReadOnlyList<TicketHookError> ErrorsOf(string system, TicketHook hook, ExternalTicketState state)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ExternalTicketCommand command = hook switch
        {
            ReleaseTransition t => new RecordReleaseTransition(system, t, default),
            TicketSystemEvent e => new ApplyTicketEvent(system, e, config.Mail.DefaultQueue, 0, default),
            _ => throw new ArgumentException($"Unknown hook {hook.GetType().Name}.", nameof(hook)),
        };
        return ExternalTicketRules.Check(state, command, config).Errors;
    }
}
