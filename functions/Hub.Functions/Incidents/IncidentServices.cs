using Hub.Domain.Durable;
using Hub.Domain.Incidents;
using Hub.Functions.Durable;
using Hub.Storage.Durable;

namespace Hub.Functions.Incidents;

public static class IncidentServices
{
    /// <summary>The incident aggregate and its API.</summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        // Not AddAggregate: queued incident commands go through IncidentQueueHandler, which adds the catalog's record first.
        services.AddSingleton<IDecider<IncidentState, IncidentCommand, IncidentEvent>, IncidentDecider>();
        services.AddSingleton<AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent>>();
        services.AddSingleton<IncidentCatalogFeed>();
        services.AddSingleton<IncidentQueueHandler>();
        services.AddSingleton<IAggregateHandler>(sp => sp.GetRequiredService<IncidentQueueHandler>());
        services.AddAggregate<DailySummaryState, DailySummaryCommand, DailySummaryEvent, DailySummaryDecider>();
        services.AddSingleton<IncidentApi>();
        services.AddSingleton<DailyStatusHandler>();
        return services;
    }
}
