using Hub.Functions.Hosting;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone;

/// <summary>
/// The hub on the standalone host: the hub's settings, validation and services (<see cref="HubApp"/>), and its
/// <c>[Function]</c> classes from Hub.Functions run by <see cref="StandaloneHost"/>, every HTTP function behind the
/// <see cref="HttpFunctionGuard"/> the Function App's worker middleware also runs. Program and the tests start it.
/// </summary>
public static class HubStandalone
{
    public static WebApplication Build(HubLaunchOptions launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return HubApp.Build(launch with
        {
            ConfigureHost = (builder, contentRoot, host) => StandaloneHost.AddFunctions(builder, new StandaloneHostOptions
            {
                Assemblies = [typeof(HttpFunctionGuard).Assembly],
                ContentRoot = contentRoot,
                InstanceId = host.InstanceId,
                HttpFilter = (context, function, next) => context.RequestServices.GetRequiredService<HttpFunctionGuard>().InvokeAsync(context, function, next),
            }),
            MapHost = StandaloneHost.MapFunctions,
        });
    }
}
