using System.Globalization;
using Hub.Functions.Hosting;
using Hub.Functions.Security;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Functions.Tests.Security;

/// <summary>A small web app on real Kestrel, on a free loopback port, with the security services and test endpoints.</summary>
internal sealed class SecurityTestApp : IAsyncDisposable
{
    private SecurityTestApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<SecurityTestApp> StartAsync(
        IDictionary<string, string?> settings, Action<IEndpointRouteBuilder> map, TimeProvider? clock = null, string environment = "Production")
    {
        string url = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}";
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls(url);
        builder.Configuration.AddInMemoryCollection(settings.ToDictionary(p => LocalSettings.Flatten(p.Key), p => p.Value));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddHubSecurity();
        // The guard every HTTP function runs behind, for test endpoints that stand in for functions (GuardedEndpoints).
        builder.Services.AddSingleton(new HubOptions());
        builder.Services.AddSingleton(new Hub.Functions.Intake.IntakeLimiter(64, 0));
        builder.Services.AddSingleton<Hub.Functions.Http.HttpFunctionGuard>();
        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        map(app);
        await app.StartAsync();
        return new SecurityTestApp(app, new Uri(url));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
