using Hub.Functions.Hosting;
using Hub.Standalone;

try
{
    await using Microsoft.AspNetCore.Builder.WebApplication app = HubStandalone.Build(new HubLaunchOptions { Args = args });
    await app.RunAsync();
    return 0;
}
catch (HubStartupException ex)
{
    // A configuration problem is the operator's to fix: say what and where, without a stack trace.
    await Console.Error.WriteLineAsync($"Hub refused to start: {ex.Message}");
    return 1;
}
