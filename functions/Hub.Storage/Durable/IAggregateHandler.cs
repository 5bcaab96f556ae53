namespace Hub.Storage.Durable;

/// <summary>Routes work-queue messages to the processor of one aggregate kind without knowing its types.</summary>
public interface IAggregateHandler
{
    string Kind { get; }

    Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken);

    Task<CommandStatus> FireTimerAsync(string aggregateId, WorkTimer timer, string payload, CancellationToken cancellationToken);
}
