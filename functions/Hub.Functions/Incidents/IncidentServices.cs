using Hub.Domain.Incidents;
using Hub.Functions.Durable;

namespace Hub.Functions.Incidents;

public static class IncidentServices
{
    /// <summary>The incident aggregate and its API.</summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddAggregate<IncidentState, IncidentCommand, IncidentEvent, IncidentDecider>();
        services.AddSingleton<IncidentApi>();
        return services;
    }
}
