using Hub.Standalone;
using Hub.Standalone.TestFunctions;
using Microsoft.Extensions.DependencyInjection;

// Usage: Hub.Standalone.TestRunner <folder with host.json>; settings come from the environment.
await StandaloneHost.RunAsync(new StandaloneHostOptions
{
    Assemblies = [typeof(Probe).Assembly],
    ContentRoot = args[0],
    Args = args[1..],
    ConfigureServices = (services, _) => services.AddSingleton<Probe>(),
});
