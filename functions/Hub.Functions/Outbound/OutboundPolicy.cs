namespace Hub.Functions.Outbound;

/// <summary>
/// The bounds of one outbound call (a mail send, a connector call, a release fetch), all attempts included. Every
/// outbound HTTP caller states its bounds as one of these and gets its resilience from <see cref="OutboundResilience"/>.
/// </summary>
/// <param name="MaxAttempts">Attempts, the first included; 1 means no retry.</param>
/// <param name="RetryDelay">The first back-off; each next one doubles, with jitter.</param>
/// <param name="MaxWait">The longest wait between two attempts, back-off or Retry-After.</param>
/// <param name="AttemptTimeout">The time limit of one attempt.</param>
/// <param name="TotalTimeout">The time limit of all attempts and waits together.</param>
public sealed record OutboundPolicy(int MaxAttempts, TimeSpan RetryDelay, TimeSpan MaxWait, TimeSpan AttemptTimeout, TimeSpan TotalTimeout)
{
    /// <summary>
    /// What a Retry-After longer than <see cref="MaxWait"/> means: true, wait <see cref="MaxWait"/> and try again;
    /// false (the default), stop retrying, so the caller's outbox retries later rather than holding the call open.
    /// </summary>
    public bool CutLongRetryAfter { get; init; }
}
