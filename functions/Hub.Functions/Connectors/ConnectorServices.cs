using Hub.Functions.Outbound;
using Hub.Storage.Durable;

namespace Hub.Functions.Connectors;

public static class ConnectorServices
{
    /// <summary>The configured outbound ticket-system connectors and the <c>connector.call</c> side effect.</summary>
    public static IServiceCollection AddConnectors(this IServiceCollection services)
    {
        services.AddConnectorHttp();
        services.AddSingleton<TicketSystemConnectors>();
        services.AddSingleton<ISideEffectHandler>(sp => new ConnectorCallEffect(
            sp.GetRequiredService<TicketSystemConnectors>(),
            sp.GetRequiredService<AggregateCommandEffect>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConnectorCallEffect>>()));
        return services;
    }
}
