using Hub.Functions.Notifications;

namespace Hub.Functions.Outbound;

/// <summary>
/// The hub's outbound HTTP clients, all from <see cref="IHttpClientFactory"/> with the resilience of
/// <see cref="OutboundResilience"/>: SendGrid's Mail Send.
/// </summary>
public static class OutboundHttp
{
    /// <summary>The SendGrid client: its bounds are the <c>Hub__Email__*</c> settings (<see cref="EmailOptions.Policy"/>).</summary>
    public static IServiceCollection AddSendGridHttp(this IServiceCollection services, EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddHttpClient(SendGridSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddResilienceHandler("send", (pipeline, context) =>
                pipeline.AddOutboundHttp(options.Policy, context.ServiceProvider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
