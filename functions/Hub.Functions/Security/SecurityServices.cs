using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Functions.Security;

public static class SecurityServices
{
    /// <summary>Webhook verification and API callers. <see cref="ApiKeys"/> is validated when first resolved; call
    /// <see cref="ApiKeys.Load(IConfiguration, IHostEnvironment)"/> at startup to refuse a bad key before serving.</summary>
    public static IServiceCollection AddHubSecurity(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookVerifier>();
        services.TryAddSingleton(sp => ApiKeys.Load(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()));
        services.TryAddSingleton<ApiCallerAuthenticator>();
        return services;
    }
}
