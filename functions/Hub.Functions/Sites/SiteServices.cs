using Hub.Domain.Catalog;
using Hub.Domain.Sites;
using Hub.Functions.Durable;
using Hub.Storage.Durable;

namespace Hub.Functions.Sites;

public static class SiteServices
{
    /// <summary>Sites, their runs and the agents that carry out the steps (docs/sites.md).</summary>
    public static IServiceCollection AddSites(this IServiceCollection services, IConfiguration configuration)
    {
        SiteAgents agents = SiteAgents.Load(configuration);
        services.AddSingleton(agents);
        services.AddSingleton(SiteRunSettings.Default);
        services.AddAggregate<SiteEntryState, SiteEntryCommand, SiteEntryEvent, SiteEntryDecider>();
        services.AddAggregate<SiteRunState, SiteRunCommand, SiteRunEvent, SiteRunDecider>();
        services.AddAggregate<ServiceTicketState, ServiceTicketCommand, ServiceTicketEvent, ServiceTicketDecider>();
        services.AddSingleton<ISideEffectHandler, SiteRunStartEffect>();
        services.AddSingleton<ISideEffectHandler>(sp => new ServiceTicketEffect(sp));
        services.AddSingleton<SiteAgentClient>();
        // The agent client sets each call's time limit from the command's; no retries here: the orchestration retries.
        services.AddHttpClient(SiteAgentClient.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false });
        return services;
    }
}
