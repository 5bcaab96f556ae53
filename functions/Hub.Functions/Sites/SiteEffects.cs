using System.Globalization;
using Hub.Domain.Catalog;
using Hub.Domain.Sites;
using Hub.Domain.Tickets;
using Hub.Functions.Catalog;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;

namespace Hub.Functions.Sites;

/// <summary>A run's start: its orchestration, one instance per run (a redelivered start finds it and does nothing).</summary>
public sealed class SiteRunStartEffect : ISideEffectHandler
{
    public string Kind => SiteRunDecider.StartEffect;

    public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        SiteRunStart start = SiteRunStart.Parse(context.Payload);
        return context.Orchestrations.StartAsync(SiteRunFunctions.Orchestrator, start.InstanceId, start, cancellationToken);
    }
}

/// <summary>
/// A failed run's report on the failing service's ticket (<c>service.ticket</c>): a comment on the ticket the hub last
/// opened for the service while that one is open, else a new ticket in the defect queue for the service's owners.
/// The request's key is the message id of either, so a retried effect comments or opens once. The aggregates are
/// resolved on first use: they depend on the outbox dispatcher, which depends on this effect.
/// </summary>
public sealed class ServiceTicketEffect(IServiceProvider provider) : ISideEffectHandler
{
    public string Kind => ServiceTicketRequest.EffectKind;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var serviceTickets = provider.GetRequiredService<AggregateProcessor<ServiceTicketState, ServiceTicketCommand, ServiceTicketEvent>>();
        var tickets = provider.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>();
        var numbers = provider.GetRequiredService<TicketNumbers>();
        var catalog = provider.GetRequiredService<ServiceCatalogReader>();
        ServiceTicketRequest request = ServiceTicketRequest.Parse(context.Payload);
        string id = ServiceTicketDecider.Id(request.Service);
        if ((await serviceTickets.GetAsync(id, cancellationToken))?.State.Ticket is { } number
            && (await tickets.GetAsync(number.ToString(CultureInfo.InvariantCulture), cancellationToken))?.State is { Exists: true, ResolvedAt: null })
        {
            await tickets.HandleAsync(
                number.ToString(CultureInfo.InvariantCulture), request.Key, new Comment(ServiceTicketDecider.Actor, request.Body), ServiceTicketDecider.Actor.Name, cancellationToken);
            return;
        }

        IReadOnlyList<string> owners = (await catalog.GetRecentAsync(request.Service, cancellationToken))?.Record.Owners ?? [];
        await numbers.HandleReservingAsync(
            serviceTickets, id, request.Key, candidate => new OpenServiceTicket(request, owners, candidate), ServiceTicketDecider.NeedsNumber, ServiceTicketDecider.Actor.Name, cancellationToken);
    }
}
