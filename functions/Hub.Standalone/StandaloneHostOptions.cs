using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone;

/// <summary>What the standalone host runs and where it finds host.json and local.settings.json.</summary>
public sealed class StandaloneHostOptions
{
    /// <summary>The assemblies whose <c>[Function]</c> methods the host runs.</summary>
    public required IReadOnlyList<Assembly> Assemblies { get; init; }

    public string[] Args { get; init; } = [];

    /// <summary>The folder holding host.json and local.settings.json; the current directory when not set.</summary>
    public string? ContentRoot { get; init; }

    /// <summary>Settings laid over local.settings.json and the environment (the tests set ports and names here).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The app's own services, as its Functions Program.cs registers them.</summary>
    public Action<IServiceCollection, IConfiguration>? ConfigureServices { get; init; }

    /// <summary>
    /// Wraps every HTTP function's invocation (authentication, limits, error answers): what a worker middleware does
    /// under the Functions host. It may answer itself instead of calling the function.
    /// </summary>
    public HttpFunctionFilter? HttpFilter { get; init; }

    /// <summary>This process's identity for the Durable worker and the timer leases; unique per process by default.</summary>
    public string InstanceId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>
/// Runs around one HTTP function: <paramref name="function"/> is the method about to run, <paramref name="next"/>
/// binds its arguments, runs it and writes its result.
/// </summary>
public delegate Task HttpFunctionFilter(Microsoft.AspNetCore.Http.HttpContext context, MethodInfo function, Func<Task> next);
