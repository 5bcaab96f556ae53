namespace Hub.Storage.Durable;

/// <summary>Routes work-queue messages to the processor of one aggregate kind without knowing its types.</summary>
public interface IAggregateHandler
{
    string Kind { get; }

    /// <summary>The table partition of one aggregate of this kind (a handler that only routes commands has none).</summary>
    string PartitionOf(string aggregateId) => throw new NotSupportedException($"'{Kind}' messages have no partition of their own.");

    Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// A command its sender expects to create the aggregate (a ticket with a freshly reserved number): a processor may
    /// try the commit before reading, since inserting the state row fails if the aggregate exists after all.
    /// </summary>
    Task<CommandStatus> HandleNewJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken) =>
        HandleJsonAsync(aggregateId, messageId, commandJson, actor, cancellationToken);

    /// <summary>
    /// As <see cref="HandleJsonAsync"/> (or <see cref="HandleNewJsonAsync"/> when <paramref name="creates"/>), with the
    /// refusal's reason and the events appended, for a caller that reports the outcome on.
    /// </summary>
    async Task<CommandReport> HandleJsonReportingAsync(
        string aggregateId, string messageId, string commandJson, string actor, bool creates, CancellationToken cancellationToken) =>
        new(await (creates
            ? HandleNewJsonAsync(aggregateId, messageId, commandJson, actor, cancellationToken)
            : HandleJsonAsync(aggregateId, messageId, commandJson, actor, cancellationToken)).ConfigureAwait(false), null, []);

    Task<CommandStatus> FireTimerAsync(AggregateTimer timer, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"'{Kind}' messages have no timers.");
}
