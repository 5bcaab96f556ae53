namespace Hub.Storage.Durable;

/// <summary>
/// Starts a durable orchestration (the Durable Task client of the function that is running, since the Functions host
/// hands its client to a function only as a binding). A start is idempotent by instance id: an instance that exists
/// already, running or finished, is left alone.
/// </summary>
public interface IOrchestrationStarter
{
    /// <returns>True if this call started it; false if an instance of that id existed.</returns>
    Task<bool> StartAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken);
}
