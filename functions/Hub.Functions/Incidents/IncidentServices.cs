using Hub.Domain.Incidents;
using Hub.Functions.Durable;

namespace Hub.Functions.Incidents;

public static class IncidentServices
{
    /// <summary>The incident aggregate and its API.</summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddAggregate<IncidentState, IncidentCommand, IncidentEvent, IncidentDecider>();
        services.AddAggregate<DailySummaryState, DailySummaryCommand, DailySummaryEvent, DailySummaryDecider>();
        services.AddSingleton<IncidentApi>();
        services.AddSingleton<DailyStatusHandler>();
        return services;
    }
}
