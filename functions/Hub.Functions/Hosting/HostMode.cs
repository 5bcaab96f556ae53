namespace Hub.Functions.Hosting;

/// <summary>
/// Which host runs the hub's [Function] classes: the standalone host (Hub.Standalone: Kestrel, its own timers, queue
/// listeners and Durable worker) or the Azure Functions host (the isolated-worker Function App).
/// </summary>
public enum HostMode
{
    Standalone,
    FunctionsHost,
}
