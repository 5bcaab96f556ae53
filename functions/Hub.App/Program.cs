using Hub.App;
using Hub.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

try
{
    FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
    builder.ConfigureFunctionsWebApplication();
    // After the ASP.NET Core integration's own middleware, so the HttpContext is there for the guard.
    builder.UseMiddleware<HttpGuardMiddleware>();
    HubApp.AddHub(builder.Services, builder.Configuration, builder.Environment, HostMode.FunctionsHost, AppContext.BaseDirectory, null);
    using IHost host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (HubStartupException ex)
{
    // A configuration problem is the operator's to fix: say what and where, without a stack trace.
    await Console.Error.WriteLineAsync($"Hub refused to start: {ex.Message}");
    return 1;
}
