namespace Hub.Storage.Durable;

/// <summary>Routes work-queue messages to the processor of one aggregate kind without knowing its types.</summary>
public interface IAggregateHandler
{
    string Kind { get; }

    Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// A command its sender expects to create the aggregate (a ticket with a freshly reserved number): a processor may
    /// try the commit before reading, since inserting the state row fails if the aggregate exists after all.
    /// </summary>
    Task<CommandStatus> HandleNewJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken) =>
        HandleJsonAsync(aggregateId, messageId, commandJson, actor, cancellationToken);

    Task<CommandStatus> FireTimerAsync(string aggregateId, WorkTimer timer, string payload, CancellationToken cancellationToken);
}
