using System.Globalization;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Durable;
using Microsoft.DurableTask.Client;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Support;

/// <summary>
/// A real hub on a free loopback port (real Kestrel, real sockets), built by the project's own builder, against the
/// shared Azurite. Each hub gets its own instance id and, unless told otherwise, its own host id.
/// </summary>
internal sealed class TestHub : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    // The repository's host.json in a folder of its own. The repository root would also hand every test hub the
    // developer's local.settings.json (scripts/dev.sh creates it from the sample, dev-only keys and all): the tests
    // must not depend on what the caller has lying around.
    private static readonly Lazy<string> AppRoot = new(() => TestAppRoot.Create(File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "host.json"))));

    private bool _stopped;

    private TestHub(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Settings every test hub gets; <paramref name="settings"/> adds to or replaces them.</summary>
    public static async Task<Dictionary<string, string?>> DefaultSettingsAsync(IDictionary<string, string?>? settings = null)
    {
        Azurite azurite = await Azurite.SharedAsync();
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Hub__AdminKey"] = AdminKey,
            ["Hub__HostId"] = Azurite.UniqueName("h"),
            ["Hub__InstanceId"] = Azurite.UniqueName("i"),
            ["Hub__HealthTimeout"] = "00:00:02",
            ["Hub__Urls"] = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}",
            // Keep the hub's timers from firing during tests (OutboxRelay still runs once on startup).
            ["Hub__HousekeepingSchedule"] = "0 0 0 1 1 *",
            ["Hub__OutboxRelaySchedule"] = "0 0 0 1 1 *",
            ["Hub__CertificateCheckSchedule"] = "0 0 0 1 1 *",
            // An idle work queue is polled every 100 ms, not every 2 s: a test waits for effects that run after the answer.
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.100",
            // A failed effect is tried again after a second, not five, and given up after two minutes, not a day.
            ["Hub__EffectGiveUpAfter"] = "00:02:00",
            ["Hub__EffectRetryDelay"] = "00:00:01",
            ["Hub__EffectMaxRetryDelay"] = "00:00:05",
            ["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *",
            // Storage that is merely slow (Azurite on two loaded cores) must not turn a webhook into a 503: five seconds
            // is for storage that hangs. Tests of that set their own.
            ["Hub__IntakeTimeout"] = "00:01:00",
            // Each hub its own durable table and work queues, unless a test makes two hubs share them.
            ["Hub__DurableName"] = Azurite.UniqueName("d"),
            ["Hub__FunctionsRoot"] = AppRoot.Value,
            // The shipped domain configuration, also for hubs started on a test functions folder.
            ["Hub__Config"] = Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"),
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        // The hub refuses to start while a webhook source it lists has no secret; tests of a source set their own.
        return SourceSecrets.With(all);
    }

    public static async Task<TestHub> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        Dictionary<string, string?> all = await DefaultSettingsAsync(settings);
        bool ownPort = settings?.ContainsKey("Hub__Urls") != true;
        for (int attempt = 1; ; attempt++)
        {
            WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = all, ConfigureServices = services });
            try
            {
                await app.StartAsync();
                return new TestHub(app, new Uri(all["Hub__Urls"]!));
            }
            catch (IOException e) when (ownPort && attempt < 3 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // The free port was taken between choosing it and binding it (another test's process): choose again.
                await app.DisposeAsync();
                all["Hub__Urls"] = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}";
            }
        }
    }

    /// <summary>Starts orchestrations through the hub's own Durable Task client, as its functions do.</summary>
    public DurableStarter Orchestrations => new(App.Services.GetRequiredService<DurableTaskClient>());

    /// <summary>
    /// Plays the outbox relay after a crash: hands every outbox row older than the hub's clock to its commit's retry
    /// orchestration and waits until each of those orchestrations has finished.
    /// </summary>
    /// <returns>How many retry orchestrations it started.</returns>
    public async Task<int> RelayAsync()
    {
        IReadOnlyList<string> started = await App.Services.GetRequiredService<OutboxDispatcher>().RelayAsync(TimeSpan.Zero, Orchestrations);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        foreach (string id in started)
        {
            OrchestrationMetadata done = await App.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(id, deadline.Token);
            Xunit.Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }

        return started.Count;
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        await App.DisposeAsync();
    }
}
