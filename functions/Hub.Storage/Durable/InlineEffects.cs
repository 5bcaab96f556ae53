namespace Hub.Storage.Durable;

/// <summary>
/// Where the effects of a commit run. In an HTTP request, never there: the processor hands them to the work queue and
/// the caller is answered. While a work message or an activity is being handled (a background function, which nobody
/// waits on), the commits it makes run their effects right there, as <see cref="Run"/> arranges: an alert's ticket and
/// that ticket's mail follow the alert in one invocation instead of a queue hop each.
/// </summary>
public static class InlineEffects
{
    private static readonly AsyncLocal<Func<string, long, IReadOnlyList<OutboxRecord>?, CancellationToken, Task>?> Runner = new();

    /// <summary>Runs a commit's effects (partition, sequence, its rows if they are all that is pending) where the caller is; null in a request.</summary>
    internal static Func<string, long, IReadOnlyList<OutboxRecord>?, CancellationToken, Task>? Current => Runner.Value;

    /// <summary>Until the scope is disposed, commits made by this async flow run their effects through <paramref name="outbox"/>.</summary>
    public static Scope Run(OutboxDispatcher outbox, IOrchestrationStarter orchestrations)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        Func<string, long, IReadOnlyList<OutboxRecord>?, CancellationToken, Task>? previous = Runner.Value;
        Runner.Value = (partition, sequence, rows, ct) => outbox.RunCommitAsync(partition, sequence, orchestrations, pendingRows: rows, cancellationToken: ct);
        return new Scope(previous);
    }

    public readonly struct Scope : IDisposable
    {
        private readonly Func<string, long, IReadOnlyList<OutboxRecord>?, CancellationToken, Task>? _previous;

        internal Scope(Func<string, long, IReadOnlyList<OutboxRecord>?, CancellationToken, Task>? previous) => _previous = previous;

        public void Dispose() => Runner.Value = _previous;
    }
}
