using Hub.Functions.Admin;
using Hub.Functions.Hosting;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone;

/// <summary>
/// The hub on the standalone host: the hub's settings, validation and services (<see cref="HubApp"/>), and its
/// <c>[Function]</c> classes from Hub.Functions run by <see cref="StandaloneHost"/>, every HTTP function behind the
/// <see cref="HttpFunctionGuard"/> the Function App's worker middleware also runs, timers under locks named by
/// Hub__HostId in the hub's time zone, and the admin route behind Hub__AdminKey. Program and the tests start it.
/// </summary>
public static class HubStandalone
{
    public static WebApplication Build(HubLaunchOptions launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return HubApp.Build(launch with
        {
            ConfigureHost = (builder, contentRoot, host) => AddFunctions(builder, new StandaloneHostOptions
            {
                Assemblies = [typeof(HttpFunctionGuard).Assembly],
                ContentRoot = contentRoot,
                InstanceId = host.InstanceId,
                // Hubs with one Hub__HostId share each timer's schedule; hubs with different ones each run their own.
                HostId = host.HostId,
                TimeZone = host.TimeZone,
                AdminKeyCheck = (key, services) => AdminKey.Matches(key, services.GetRequiredService<HubOptions>().AdminKey),
                HttpFilter = (context, function, next) => context.RequestServices.GetRequiredService<HttpFunctionGuard>().InvokeAsync(context, function, next),
            }),
            MapHost = StandaloneHost.MapFunctions,
        });
    }

    private static void AddFunctions(WebApplicationBuilder builder, StandaloneHostOptions options)
    {
        try
        {
            StandaloneHost.AddFunctions(builder, options);
        }
        catch (InvalidOperationException ex)
        {
            // A trigger's %Setting% unset or its schedule unparsable: the operator's to fix, named without a stack trace.
            throw new HubStartupException(ex.Message, ex);
        }
    }
}
