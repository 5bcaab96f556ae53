using Hub.Domain.Intake.Alerts;
using Hub.Functions.Durable;
using Hub.Functions.Intake.Alerts;
using Hub.Storage.Durable;

namespace Hub.Functions.Intake;

public static class IntakeServices
{
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddAggregate<AlertTrackerState, AlertTrackerCommand, AlertTrackerEvent, AlertTrackerDecider>();
        services.AddSingleton<AlertDeliveryHandler>();
        services.AddSingleton<IAggregateHandler>(sp => sp.GetRequiredService<AlertDeliveryHandler>());
        return services;
    }

    public static void MapIntakeEndpoints(this IEndpointRouteBuilder app) => app.MapAlertHooks();
}
