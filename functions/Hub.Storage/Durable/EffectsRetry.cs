namespace Hub.Storage.Durable;

/// <summary>
/// The input of the <see cref="Orchestrator"/> orchestration: the outbox rows of one commit that did not complete on
/// their first attempt (or that a crash left behind), retried in their order as activities with backoff until
/// <see cref="Policy"/> gives up. Its instance id comes from the commit, so the first attempt's hand-over and the relay
/// of left-behind rows start the same instance, never two.
/// </summary>
public sealed record EffectsRetry(string Partition, long Sequence, IReadOnlyList<EffectStep> Steps, EffectRetryPolicy Policy)
{
    public const string Orchestrator = "Effects_Retry";
    public const string PerformActivity = "Effects_Perform";
    public const string GiveUpActivity = "Effects_GiveUp";

    public static string InstanceId(string partition, long sequence) => $"effects:{partition}:{sequence}";
}

/// <param name="Ordered">A row of a kind that runs in commit order: once one is given up, the commit's later ordered rows are too.</param>
public sealed record EffectStep(string Id, string Kind, bool Ordered);

/// <summary>One outbox row for the perform and give-up activities.</summary>
public sealed record EffectRow(string Partition, string Id, string? Error = null);

/// <summary>How an effect that failed is retried (Durable Task retry policy) and when it is given up.</summary>
public sealed record EffectRetryPolicy(TimeSpan FirstRetry, double Backoff, TimeSpan MaxRetry, TimeSpan GiveUpAfter)
{
    /// <summary>Every 5 s, doubling to 5 min between tries, for a day: a connector or mail outage of hours heals unattended.</summary>
    public static EffectRetryPolicy Default { get; } = new(TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));
}
