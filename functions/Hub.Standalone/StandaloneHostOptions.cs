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

    /// <summary>
    /// The host id in the timer lock and status blob names: instances with the same id share each timer's schedule,
    /// instances with different ids each run their own. Unset: setting <c>AzureFunctionsWebHost:hostid</c>, else
    /// <c>standalone</c>.
    /// </summary>
    public string? HostId { get; init; }

    /// <summary>The time zone of cron schedules. Unset: setting <c>WEBSITE_TIME_ZONE</c>, else UTC.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>
    /// Decides whether the key a caller presents in <c>x-functions-key</c> (null when absent) may use
    /// <c>POST /admin/functions/{name}</c>, the Functions host's "run a non-HTTP function now" route; it is given the
    /// request's services. Unset: the route is not mapped.
    /// </summary>
    public AdminKeyCheck? AdminKeyCheck { get; init; }
}

/// <summary>True when <paramref name="presentedKey"/> (null when the caller sent none) grants the admin route.</summary>
public delegate bool AdminKeyCheck(string? presentedKey, IServiceProvider services);

/// <summary>
/// Runs around one HTTP function: <paramref name="function"/> is the method about to run, <paramref name="next"/>
/// binds its arguments, runs it and writes its result.
/// </summary>
public delegate Task HttpFunctionFilter(Microsoft.AspNetCore.Http.HttpContext context, MethodInfo function, Func<Task> next);
