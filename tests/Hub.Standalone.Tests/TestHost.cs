using Hub.Standalone.TestFunctions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Standalone.Tests;

/// <summary>A standalone host over the test functions, with the TestApp's host.json and unique names per test.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private TestHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public IServiceProvider Services => App.Services;

    public static string TestAppFolder => Path.Combine(Azurite.RepositoryRoot(), "tests", "Hub.Standalone.TestApp");

    /// <summary>The settings one test's hosts share: the same storage, hub, host id and queue.</summary>
    public static Dictionary<string, string?> Settings(Azurite azurite, string tickSchedule = "0 0 0 1 1 *")
    {
        string unique = Guid.NewGuid().ToString("N")[..12];
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["TaskHubName"] = "hub" + unique,
            ["AzureFunctionsWebHost:hostid"] = "host" + unique,
            ["WorkQueue"] = "work" + unique,
            ["TickSchedule"] = tickSchedule,
            // STANDALONE_TEST_LOG=Information shows what the hosts do when a test needs looking into.
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("STANDALONE_TEST_LOG") ?? "Warning",
            ["Logging:LogLevel:Hub.Standalone"] = Environment.GetEnvironmentVariable("STANDALONE_TEST_LOG") ?? "Error",
        };
    }

    /// <summary>The key the test hosts' admin route takes.</summary>
    public const string AdminKey = "test-admin-key";

    /// <param name="hostId">Overrides the settings' host id through <see cref="StandaloneHostOptions.HostId"/>.</param>
    public static async Task<TestHost> StartAsync(Probe probe, IDictionary<string, string?> settings, WarningCounter? warnings = null, string? hostId = null)
    {
        int port = Azurite.FreePort();
        var all = new Dictionary<string, string?>(settings) { ["urls"] = $"http://127.0.0.1:{port}" };
        WebApplication app = StandaloneHost.Build(new StandaloneHostOptions
        {
            Assemblies = [typeof(Probe).Assembly],
            ContentRoot = TestAppFolder,
            Settings = all,
            HostId = hostId,
            AdminKeyCheck = (key, _) => key == AdminKey,
            ConfigureServices = (services, _) =>
            {
                services.AddSingleton(probe);
                if (warnings is not null)
                {
                    // Its own filter: the test settings keep Hub.Standalone's categories at Error for the console.
                    services.AddLogging(logging => logging.AddProvider(warnings).AddFilter<WarningCounter>("Hub.Standalone", LogLevel.Warning));
                }
            },
        });
        await app.StartAsync();
        return new TestHost(app, new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
