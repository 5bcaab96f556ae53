using System.Globalization;
using System.Threading.RateLimiting;

namespace Hub.Functions.Intake;

/// <summary>
/// Overload protection for the webhook routes: at most <c>Hub__IntakeConcurrency</c> requests (default 64) are
/// handled at once, <c>Hub__IntakeQueue</c> more (default 256) wait; beyond that the sender gets 503 with Retry-After,
/// never 429, since Alertmanager and others drop a 4xx without retrying. A request that has not stored its delivery
/// within <c>Hub__IntakeTimeout</c> (default 5 s, waiting included) is answered 503 too: storage that hangs (it
/// accepts connections and never answers) would otherwise hold the sender for the storage clients' retries, minutes.
/// </summary>
public static class IntakeLimits
{
    public static IServiceCollection AddIntakeLimits(this IServiceCollection services, IConfiguration configuration)
    {
        int concurrency = Setting(configuration, "Hub:IntakeConcurrency", 64);
        int queue = Setting(configuration, "Hub:IntakeQueue", 256);
        TimeSpan timeout = Timeout(configuration, "Hub:IntakeTimeout", IntakeLimiter.DefaultTimeout);
        services.AddSingleton(provider => new IntakeLimiter(concurrency, queue, timeout, provider.GetService<TimeProvider>()));
        return services;
    }

    private static TimeSpan Timeout(IConfiguration configuration, string key, TimeSpan fallback)
    {
        string? text = configuration[key];
        if (text is null)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value) && value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(5)
            ? value
            : throw new Hosting.HubStartupException($"Setting '{key.Replace(":", "__", StringComparison.Ordinal)}' must be a time span above 00:00:00 and at most 00:05:00.");
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

/// <summary>
/// The one intake limiter of the process (see <see cref="IntakeLimits"/>), shared by every intake function, and the
/// deadline of each intake request.
/// </summary>
public sealed class IntakeLimiter(int concurrency, int queue, TimeSpan? timeout = null, TimeProvider? time = null) : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, concurrency),
        QueueLimit = queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public TimeSpan Timeout { get; } = timeout ?? DefaultTimeout;

    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken ct) => _limiter.AcquireAsync(1, ct);

    /// <summary>A token cancelled after <see cref="Timeout"/> or as soon as <paramref name="aborted"/> is.</summary>
    public IntakeDeadline StartDeadline(CancellationToken aborted) => new(Timeout, time ?? TimeProvider.System, aborted);

    public void Dispose() => _limiter.Dispose();
}

/// <summary>An intake request's deadline (<see cref="IntakeLimiter.StartDeadline"/>).</summary>
public sealed class IntakeDeadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenRegistration _aborted;

    internal IntakeDeadline(TimeSpan timeout, TimeProvider time, CancellationToken aborted)
    {
        _timer = new CancellationTokenSource(timeout, time);
        _aborted = aborted.UnsafeRegister(static timer => ((CancellationTokenSource)timer!).Cancel(), _timer);
    }

    public CancellationToken Token => _timer.Token;

    public void Dispose()
    {
        // The registration first: once it is gone, the caller's abort can no longer reach the disposed source.
        _aborted.Dispose();
        _timer.Dispose();
    }
}
