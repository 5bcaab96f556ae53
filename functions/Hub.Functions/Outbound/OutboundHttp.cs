using Hub.Domain.Configuration;
using Hub.Functions.Connectors;
using Hub.Functions.Notifications;
using Hub.Functions.Releases;
using Polly;

namespace Hub.Functions.Outbound;

/// <summary>
/// The hub's outbound HTTP clients, all from <see cref="IHttpClientFactory"/>, and their bounds, all resolved by
/// <see cref="OutboundResilience"/>: SendGrid's Mail Send, release fetches (behind the <see cref="FetchGuard"/>) and the
/// ticket-system connectors (RT, webhooks), whose pipeline runs around whole attempts.
/// </summary>
public static class OutboundHttp
{
    /// <summary>The named client of every connector request.</summary>
    public const string ConnectorClient = "connectors";

    /// <summary>The longest Retry-After a connector waits for within one dispatch; a longer one is left to the outbox sweeper.</summary>
    public static readonly TimeSpan ConnectorMaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// All attempts of one connector dispatch, back-off included, end within this: the outbox sweeper (docs/durable.md)
    /// must never find the row while its first dispatch is still running. What is left over is retried by the sweeper.
    /// </summary>
    public static readonly TimeSpan ConnectorDispatchBudget = TimeSpan.FromMinutes(2);

    /// <summary>Attempts of one release fetch until the answer's headers arrive (the body is never fetched twice).</summary>
    public const int ReleaseFetchAttempts = 3;

    /// <summary>The time limit of one release-fetch attempt until the answer's headers arrive (or fetch.timeout, if shorter).</summary>
    public static readonly TimeSpan ReleaseFetchAttemptTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The SendGrid client: its bounds are the <c>Hub__Email__*</c> settings (<see cref="EmailOptions.Policy"/>).</summary>
    public static IServiceCollection AddSendGridHttp(this IServiceCollection services, EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddHttpClient(SendGridSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddResilienceHandler("send", (pipeline, context) =>
                pipeline.AddOutboundHttp(options.Policy(), context.ServiceProvider.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// The release-fetch client: the fetch guard as its primary handler (public addresses only unless
    /// <c>releases.fetch.allowedHosts</c> lists the host, no redirects), network failures, timeouts, 408, 429 and 5xx
    /// retried (<see cref="ReleaseFetchPolicy"/>); a guard refusal is not.
    /// </summary>
    public static IServiceCollection AddReleaseFetchHttp(this IServiceCollection services)
    {
        services.AddHttpClient(PackageFetcher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => FetchGuard.Handler(sp.GetRequiredService<HubConfiguration>().Releases.Fetch))
            .AddResilienceHandler("fetch", (pipeline, context) => pipeline.AddOutboundHttp(
                ReleaseFetchPolicy(context.ServiceProvider.GetRequiredService<HubConfiguration>().Releases.Fetch),
                context.ServiceProvider.GetRequiredService<TimeProvider>(),
                permanent: outcome => FetchRefusedException.IsRefusal(outcome.Exception)));
        return services;
    }

    /// <summary>The bounds of a release fetch until its headers: <c>releases.fetch.timeout</c> is the whole fetch's, body included.</summary>
    public static OutboundPolicy ReleaseFetchPolicy(ReleaseFetchLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new(
            ReleaseFetchAttempts,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(10),
            limits.Timeout < ReleaseFetchAttemptTimeout ? limits.Timeout : ReleaseFetchAttemptTimeout,
            limits.Timeout);
    }

    /// <summary>The connectors' client. Its requests are not retried one by one: <see cref="ConnectorPipeline"/> retries whole attempts.</summary>
    public static IServiceCollection AddConnectorHttp(this IServiceCollection services)
    {
        services.AddHttpClient(ConnectorClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false });
        return services;
    }

    /// <summary>
    /// The bounds of one connector dispatch: 1 + <c>maxRetries</c> attempts of at most <c>timeout</c> each, exponential
    /// back-off from <paramref name="retryDelay"/>, Retry-After honoured up to <see cref="ConnectorMaxRetryAfter"/> (a
    /// longer one ends the dispatch), all within <see cref="ConnectorDispatchBudget"/>.
    /// </summary>
    public static OutboundPolicy ConnectorPolicy(ConnectorDefinition definition, TimeSpan retryDelay)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new(definition.MaxRetries + 1, retryDelay, ConnectorMaxRetryAfter, definition.Timeout, ConnectorDispatchBudget);
    }

    /// <summary>The pipeline around a connector's attempts: a transient <see cref="ConnectorException"/> is retried.</summary>
    public static ResiliencePipeline<string> ConnectorPipeline(ConnectorDefinition definition, TimeSpan retryDelay, TimeProvider clock) =>
        new ResiliencePipelineBuilder<string> { TimeProvider = clock }
            .AddOutbound(
                ConnectorPolicy(definition, retryDelay),
                outcome => outcome.Exception is ConnectorException { Transient: true },
                outcome => (outcome.Exception as ConnectorException)?.RetryAfter)
            .Build();
}
