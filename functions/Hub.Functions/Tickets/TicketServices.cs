using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;

namespace Hub.Functions.Tickets;

public static class TicketServices
{
    /// <summary>The ticket aggregate, its number allocator and the ticket API's dependencies.</summary>
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddAggregate<TicketState, TicketCommand, TicketEvent, TicketDecider>();
        services.AddSingleton(sp => new TicketNumbers(sp.GetRequiredService<AggregateStore>().Table));
        services.AddSingleton<TicketIndex>();
        services.AddSingleton<ISideEffectHandler>(sp => new EscalationEffect(
            sp.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>,
            sp.GetRequiredService<AggregateStore>(),
            sp.GetRequiredService<TicketNumbers>(),
            sp.GetRequiredService<Hub.Domain.Configuration.HubConfiguration>()));
        return services;
    }
}
