using Hub.Domain.Releases;
using Hub.Functions.Durable;
using Hub.Functions.Outbound;
using Hub.Storage.Durable;

namespace Hub.Functions.Releases;

public static class ReleaseServices
{
    /// <summary>The release and release-slot aggregates, the repository, the artifact and metrics side effects.</summary>
    public static IServiceCollection AddReleases(this IServiceCollection services)
    {
        services.AddAggregate<ReleaseState, ReleaseCommand, ReleaseEvent, ReleaseDecider>();
        services.AddAggregate<ReleaseSlotState, ReleaseSlotCommand, ReleaseSlotEvent, ReleaseSlotDecider>();
        services.AddSingleton<ReleaseRepository>();
        services.AddSingleton<ReleaseMetricsStore>();
        services.AddSingleton<ISideEffectHandler>(sp => sp.GetRequiredService<ReleaseMetricsStore>());
        services.AddReleaseFetchHttp();
        services.AddSingleton<PackageFetcher>();
        services.AddSingleton<ISideEffectHandler>(sp => new ArtifactEffect(
            sp.GetRequiredService<AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>>,
            sp.GetRequiredService<ReleaseRepository>(),
            sp.GetRequiredService<PackageFetcher>(),
            sp.GetRequiredService<Hub.Domain.Configuration.HubConfiguration>(),
            sp.GetRequiredService<ILogger<ArtifactEffect>>()));
        return services;
    }
}
