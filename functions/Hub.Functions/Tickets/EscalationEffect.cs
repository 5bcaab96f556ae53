using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Storage.Tickets;

namespace Hub.Functions.Tickets;

/// <summary>
/// "Needs technical resolution": creates the internal copy of a customer ticket in the target queue, links the two
/// both ways and tells map-support (AdminCc of the copy). The copy has no requestors, so the customer never sees it
/// or its traffic. Exactly once: the copy's number is claimed under the outbox row's idempotency key, and every
/// command carries a message id derived from that key.
/// </summary>
/// <remarks>The ticket processor is resolved on first use: it depends on the outbox dispatcher, which depends on this.</remarks>
public sealed class EscalationEffect(
    Func<AggregateProcessor<TicketState, TicketCommand, TicketEvent>> ticketProcessor, AggregateStore store, TicketNumbers numbers, HubConfiguration config) : ISideEffectHandler
{
    public const string InternalList = "map-support";
    private const string ClaimPartition = "escalations";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => TicketDecider.EscalateEffect;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        EscalationPayload request = JsonSerializer.Deserialize<EscalationPayload>(context.Payload, Json)
            ?? throw new FormatException($"Outbox row {context.IdempotencyKey} has no escalation.");
        AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets = ticketProcessor();
        long copy = await ClaimNumberAsync(context.IdempotencyKey, cancellationToken);
        string key = context.IdempotencyKey;
        string[] adminCc = config.Contacts(InternalList) is { } list ? [list.Address] : [];

        await tickets.HandleAsync(Id(copy), key + ":create", new CreateTicket(
            Actor.System,
            copy,
            request.TargetQueue,
            request.Subject,
            $"Internal copy of #{request.SourceNumber} ({request.SourceQueue}) for technical resolution. The customer does not see this ticket.",
            Priority: request.Priority,
            Source: $"escalation:{request.SourceNumber}",
            Internal: true,
            AdminCc: adminCc), Actor.System.Name, cancellationToken);
        // The customer's ticket waits on the technical one (docs/tickets.md), as RT's DependsOn says.
        await tickets.HandleAsync(Id(copy), key + ":link-copy", new AddLink(Actor.System, LinkType.DependedOnBy, request.SourceNumber), Actor.System.Name, cancellationToken);
        await tickets.HandleAsync(Id(request.SourceNumber), key + ":link-source", new AddLink(Actor.System, LinkType.DependsOn, copy), Actor.System.Name, cancellationToken);
    }

    private async Task<long> ClaimNumberAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        string row = TableKey.Escape(idempotencyKey);
        if (await store.Table.GetEntityOrDefaultAsync(ClaimPartition, row, cancellationToken: cancellationToken) is { } claimed)
        {
            return claimed.GetInt64("Number")!.Value;
        }

        long number = await numbers.NextAsync(cancellationToken);
        if (await store.Table.TryAddEntityAsync(new TableEntity(ClaimPartition, row) { ["Number"] = number }, cancellationToken) is not null)
        {
            return number;
        }

        // A retry of the same row claimed first: use its number (ours becomes a gap, never a second copy).
        return (await store.Table.GetEntityOrDefaultAsync(ClaimPartition, row, cancellationToken: cancellationToken))!.GetInt64("Number")!.Value;
    }

    private static string Id(long number) => number.ToString(CultureInfo.InvariantCulture);
}
