using System.Globalization;
using System.Threading.RateLimiting;

namespace Hub.Functions.Intake;

/// <summary>
/// Overload protection for the webhook routes: at most <c>Hub__IntakeConcurrency</c> requests (default 64) are
/// handled at once, <c>Hub__IntakeQueue</c> more (default 256) wait; beyond that the sender gets 503 with Retry-After,
/// never 429, since Alertmanager and others drop a 4xx without retrying.
/// </summary>
public static class IntakeLimits
{
    public static IServiceCollection AddIntakeLimits(this IServiceCollection services, IConfiguration configuration)
    {
        int concurrency = Setting(configuration, "Hub:IntakeConcurrency", 64);
        int queue = Setting(configuration, "Hub:IntakeQueue", 256);
        services.AddSingleton(new IntakeLimiter(concurrency, queue));
        return services;
    }

    private static int Setting(IConfiguration configuration, string key, int fallback)
    {
        string? text = configuration[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 0
            ? value
            : throw new Hosting.HubStartupException($"Setting '{key.Replace(":", "__", StringComparison.Ordinal)}' must be a whole number of 0 or more.");
    }
}

/// <summary>The one intake limiter of the process (see <see cref="IntakeLimits"/>), shared by every intake function.</summary>
public sealed class IntakeLimiter(int concurrency, int queue) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, concurrency),
        QueueLimit = queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken ct) => _limiter.AcquireAsync(1, ct);

    public void Dispose() => _limiter.Dispose();
}
