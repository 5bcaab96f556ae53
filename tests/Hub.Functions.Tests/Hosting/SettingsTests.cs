using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Functions.Admin;
using Hub.Functions.Hosting;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Hosting;

public sealed class SettingsTests
{
    [Fact]
    public async Task Executable_LocalSettingsValues_AreLoadedAndEnvironmentVariablesWin()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string root = TestAppRoot.Create(TestAppRoot.FastQueuesHostJson);
        string instance = Azurite.UniqueName("i");
        File.WriteAllText(Path.Combine(root, "local.settings.json"), JsonSerializer.Serialize(new
        {
            IsEncrypted = false,
            Values = SourceSecrets.With(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Hub__AdminKey"] = "key-from-local-settings-0123",
                ["Hub__HostId"] = "from-local",
                ["Hub__InstanceId"] = instance,
                ["Hub__HousekeepingSchedule"] = "0 0 0 1 1 *",
                ["Hub__OutboxRelaySchedule"] = "0 0 0 1 1 *",
                ["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *",
                ["Hub__DurableName"] = Azurite.UniqueName("d"),
                ["Hub__Config"] = Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"),
            }),
        }));
        int port = Azurite.FreePort();
        await using HubChildProcess hub = HubChildProcess.Start(new Dictionary<string, string?>
        {
            ["Hub__FunctionsRoot"] = root,
            ["Hub__Urls"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Hub__HostId"] = "from-env",
        });
        await hub.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var run = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/Housekeeping") { Content = JsonContent.Create(new { input = "" }) };
        run.Headers.Add(AdminKey.Header, "key-from-local-settings-0123");
        using HttpResponseMessage accepted = await client.SendAsync(run);
        JsonElement heartbeat = default;
        await HubState.WaitUntilAsync(async () =>
        {
            // 503 until its storage probes have answered: on a loaded machine that can take seconds.
            using HttpResponseMessage health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
            if (!health.IsSuccessStatusCode)
            {
                return false;
            }

            heartbeat = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("lastHeartbeat").Clone();
            return heartbeat.ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(instance, heartbeat.GetProperty("instanceId").GetString());
        Assert.Equal("from-env", heartbeat.GetProperty("hostId").GetString());
    }

    [Fact]
    public async Task Executable_MissingStorageSetting_ExitsWithAClearError()
    {
        string root = TestAppRoot.Create(TestAppRoot.FastQueuesHostJson);
        await using HubChildProcess hub = HubChildProcess.Start(new Dictionary<string, string?>
        {
            ["Hub__FunctionsRoot"] = root,
            ["Hub__Urls"] = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}",
        });

        int exitCode = await hub.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("Hub refused to start: Setting 'AzureWebJobsStorage' is not set", hub.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", hub.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production", "dev-only-admin-key-for-local-runs")]
    [InlineData("Staging", "dev-only-something-else-entirely")]
    public async Task Build_DevelopmentOnlyCredentialOutsideDevelopment_IsRefusedNamingTheSetting(string environment, string key)
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["Hub__AdminKey"] = key,
        });

        var error = Assert.Throws<HubStartupException>(() => Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings }));

        Assert.Contains("'Hub__AdminKey'", error.Message, StringComparison.Ordinal);
        Assert.Contains(environment, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_DevelopmentOnlyCredentialInDevelopment_Starts()
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["Hub__AdminKey"] = "dev-only-admin-key-for-local-runs",
        });

        await using WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings });

        Assert.Equal("dev-only-admin-key-for-local-runs", app.Services.GetRequiredService<HubOptions>().AdminKey);
    }

    [Fact]
    public void Sample_LocalSettings_ShipsTheDevelopmentKeyAndEverySettingTheOptionsRead()
    {
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "local.settings.sample.json")));
        JsonElement values = sample.RootElement.GetProperty("Values");

        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.StartsWith("dev-only-", values.GetProperty("Hub__AdminKey").GetString(), StringComparison.Ordinal);
        Assert.All(
            typeof(HubOptions).GetProperties().Select(p => "Hub__" + p.Name),
            name => Assert.True(values.TryGetProperty(name, out _), $"{name} is missing from local.settings.sample.json"));
    }

    [Theory]
    [InlineData("", "Setting 'AzureWebJobsStorage' is not set")]
    [InlineData("AccountName=acct;AccountKey=not*base64", "Setting 'AzureWebJobsStorage' is not a valid storage connection string: AccountKey is not valid base64.")]
    [InlineData("AccountName=acct;Secret=abc", "Connection string setting 'Secret' is not recognised.")]
    public async Task Build_BadStorageSetting_IsRefusedNamingTheProblem(string connection, string expected)
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["Hub__FunctionsRoot"] = TestAppRoot.Create(TestAppRoot.FastQueuesHostJson),
            ["AzureWebJobsStorage"] = connection,
        });

        var error = Assert.Throws<HubStartupException>(() => Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not*base64", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hub__PublicUrl", "https://hub.example.org/api", "Hub__PublicUrl 'https://hub.example.org/api' must be an absolute http(s) URL without a path")]
    [InlineData("Hub__HostId", "Bad_Host", "Hub__HostId 'Bad_Host' must be 1-32 lower-case letters")]
    [InlineData("Hub__AdminKey", "short", "Hub__AdminKey must be at least 16 characters.")]
    [InlineData("Hub__TimeZone", "Mars/Olympus", "Setting 'Hub__TimeZone': time zone 'Mars/Olympus' is unknown")]
    [InlineData("Hub__IdempotencyRetention", "00:00:10", "Hub__IdempotencyRetention must be between 00:01:00 and 30.00:00:00.")]
    [InlineData("Hub__HousekeepingSchedule", "every day", "Function 'Housekeeping': the schedule 'every day' (%Hub__HousekeepingSchedule%) is invalid")]
    public async Task Build_InvalidOption_IsRefusedNamingTheSetting(string setting, string value, string expected)
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?> { [setting] = value });

        var error = Assert.Throws<HubStartupException>(() => Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
