using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Hub.Functions.Outbound;

/// <summary>
/// The one place outbound calls get their retries, back-off, Retry-After handling and timeouts: a Polly v8 pipeline of
/// total timeout, retry and per-attempt timeout, built on the injected <see cref="TimeProvider"/>. HTTP clients carry
/// it as their resilience handler (<see cref="OutboundHttp"/>); a caller whose attempt is more than one request (an RT
/// create looks for an earlier ticket before it posts) runs the same pipeline around the whole attempt.
/// </summary>
public static class OutboundResilience
{
    /// <summary>Adds the strategies of <paramref name="policy"/>: total timeout, then retry, then per-attempt timeout.</summary>
    /// <param name="transient">Whether an outcome is worth another attempt (a per-attempt timeout always is).</param>
    /// <param name="retryAfter">How long the other side asked us to wait, when it said.</param>
    public static ResiliencePipelineBuilder<T> AddOutbound<T>(
        this ResiliencePipelineBuilder<T> builder, OutboundPolicy policy, Func<Outcome<T>, bool> transient, Func<Outcome<T>, TimeSpan?> retryAfter)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        builder.AddTimeout(policy.TotalTimeout);
        if (policy.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = policy.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = policy.RetryDelay,
                MaxDelay = policy.MaxWait,
                ShouldHandle = args => ValueTask.FromResult(
                    (args.Outcome.Exception is TimeoutRejectedException || transient(args.Outcome))
                    && (policy.CutLongRetryAfter || !(retryAfter(args.Outcome) > policy.MaxWait))),
                DelayGenerator = args => ValueTask.FromResult(
                    retryAfter(args.Outcome) is { } wait && wait >= TimeSpan.Zero ? (TimeSpan?)(wait <= policy.MaxWait ? wait : policy.MaxWait) : null),
            });
        }

        return builder.AddTimeout(policy.AttemptTimeout);
    }

    /// <summary>The pipeline of an HTTP client: transient per <see cref="HttpClientResiliencePredicates"/> (network, timeout, 408, 429, 5xx).</summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddOutboundHttp(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, OutboundPolicy policy, TimeProvider clock, Func<Outcome<HttpResponseMessage>, bool>? permanent = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.TimeProvider = clock;
        return builder.AddOutbound(
            policy,
            outcome => HttpClientResiliencePredicates.IsTransient(outcome) && permanent?.Invoke(outcome) != true,
            outcome => outcome.Result is { } response ? RetryAfter(response.Headers.RetryAfter, clock) : null);
    }

    /// <summary>A Retry-After header as a wait: seconds, or an HTTP date less now.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);
    }
}
