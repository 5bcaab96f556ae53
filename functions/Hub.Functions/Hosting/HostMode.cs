namespace Hub.Functions.Hosting;

/// <summary>
/// CustomHandler: the Azure Functions host runs the triggers and calls this process. Standalone: this process serves
/// HTTP itself and runs the queue and timer triggers from the same function.json files.
/// </summary>
public enum HostMode
{
    Standalone,
    CustomHandler,
}
