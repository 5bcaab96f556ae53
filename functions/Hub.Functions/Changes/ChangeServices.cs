using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Storage.Durable;

namespace Hub.Functions.Changes;

public static class ChangeServices
{
    /// <summary>Change requests (also from deployment request mail), their installations through site runs, and the definitive software library (docs/changes.md).</summary>
    public static IServiceCollection AddChanges(this IServiceCollection services)
    {
        services.AddSingleton(sp => ChangeSettings.From(sp.GetRequiredService<HubConfiguration>()));
        services.AddSingleton<ChangeDecider>();
        services.AddSingleton<IDecider<ChangeState, ChangeCommand, ChangeEvent>>(sp => sp.GetRequiredService<ChangeDecider>());
        services.AddSingleton<AggregateProcessor<ChangeState, ChangeCommand, ChangeEvent>>();
        services.AddSingleton<IAggregateHandler>(sp => sp.GetRequiredService<AggregateProcessor<ChangeState, ChangeCommand, ChangeEvent>>());
        services.AddSingleton<SoftwareLibrary>();
        services.AddSingleton<ISideEffectHandler>(sp => new ChangeInstallEffect(sp));
        services.AddSingleton<ISideEffectHandler, ChangeLibraryEffect>();
        services.AddSingleton<ISideEffectHandler>(sp => new ChangeMailEffect(sp));
        return services;
    }
}
