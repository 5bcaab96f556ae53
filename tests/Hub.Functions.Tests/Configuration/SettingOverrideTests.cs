using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Hosting;
using Hub.Functions.Tests.Incidents;
using Hub.Functions.Tests.Releases;
using Hub.Functions.Tests.Support;

namespace Hub.Functions.Tests.Configuration;

/// <summary>
/// App settings override what an operator tunes per environment in the configuration file: each changes what the hub
/// does, and an invalid one stops the start naming the setting and the rule the file's value would break.
/// </summary>
public sealed class SettingOverrideTests
{
    [Fact]
    public async Task Override_EscalationAckWithin_IsTheTechLeadsPageDeadline()
    {
        Dictionary<string, string?> settings = PlaybookConfig.Settings(PlaybookConfig.Write(ackWithin: "15m"));
        settings["Hub__Incidents__Escalation__tech-lead__AckWithin"] = "42m";
        await using TestHub hub = await TestHub.StartAsync(settings);

        long ticket = await TicketOfAsync(await PlaybookConfig.SendAsync(hub, HttpMethod.Post, "/api/incidents", PlaybookConfig.OperatorKey, new { subject = "Archive unresponsive", service = "archive" }));
        IncidentState incident = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Pages.Count == 1, TimeSpan.FromSeconds(20));

        Assert.Equal(TimeSpan.FromMinutes(42), incident.Pages[0].Deadline - incident.Pages[0].At);
    }

    [Fact]
    public async Task Override_ConnectorUrl_IsWhatTheHandOffCalls()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        // The file keeps https://rt.example.org; only the setting points at this RT.
        Dictionary<string, string?> settings = PlaybookConfig.Settings(PlaybookConfig.Write());
        settings["Hub__Connectors__rt__Url"] = rt.BaseAddress.ToString();
        settings["Hub__Connectors__RtToken"] = FakeRt.Token;
        await using TestHub hub = await TestHub.StartAsync(settings);
        long ticket = await TicketOfAsync(await PlaybookConfig.SendAsync(hub, HttpMethod.Post, "/api/tickets", PlaybookConfig.OperatorKey, new { queue = "ProductionDefect", subject = "Export truncates CSV", body = "Rows are lost." }));

        await PlaybookConfig.SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", PlaybookConfig.OperatorKey, new { team = "Archive-Team", tier = "PROD" });
        IncidentState done = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(20));

        RtTicket created = Assert.Single(rt.Tickets);
        Assert.Equal("Archive-Team", created.Queue);
        Assert.Equal(created.Id, done.HandOff!.ExternalId);
    }

    [Fact]
    public async Task Override_FetchAllowedHosts_AdmitsTheListedLoopbackHost()
    {
        // The shipped file allows no internal host (allowedHosts: []); ReleaseFetchGuardTests shows 127.0.0.1 refused with it.
        await using TestHub hub = await ReleaseKit.StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Config"] = Path.Combine(Hub.Testing.Azurite.RepositoryRoot(), "config", "hub.yaml"),
            ["Hub__Releases__Fetch__AllowedHosts"] = "mirror.internal, 127.0.0.1",
        });
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        byte[] package = Encoding.UTF8.GetBytes("package a");
        sync.Files["a.rpm"] = package;
        long id = await ReleaseKit.CreateAsync(hub, sync.BaseAddress);
        await ReleaseKit.SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ReleaseKit.ProviderKey,
            ReleaseKit.Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = package }, dist: "g" + Guid.NewGuid().ToString("N")[..8]));

        await ReleaseKit.MoveAsync(hub, id, "Unverified", ReleaseKit.ProviderKey);

        ReleaseState release = await ReleaseKit.ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Unverified, release.Progress);
        Assert.Contains("a.rpm", sync.Requests);
    }

    [Theory]
    [InlineData("Hub__Incidents__Escalation__tech-lead__AckWithin", "soon",
        "Hub__Incidents__Escalation__tech-lead__AckWithin: incidents.escalation[0].ackWithin: 'soon' must be a positive duration up to 30 days")]
    [InlineData("Hub__Incidents__Escalation__night-shift__AckWithin", "5m",
        "Hub__Incidents__Escalation__night-shift__AckWithin: no escalation level named 'night-shift' in the configuration")]
    [InlineData("Hub__Incidents__Escalation__tech-lead__AckWithn", "5m",
        "Hub__Incidents__Escalation__tech-lead__AckWithn: unknown setting (expected Hub__Incidents__Escalation__tech-lead__AckWithin)")]
    [InlineData("Hub__Connectors__rt__Url", "ftp://rt.example.org",
        "Hub__Connectors__rt__Url: connectors[0].url: 'ftp://rt.example.org' must be an absolute http or https URL without credentials")]
    [InlineData("Hub__Connectors__jira__Url", "https://jira.example.org",
        "Hub__Connectors__jira__Url: no connector named 'jira' in the configuration")]
    [InlineData("Hub__Connectors__rt__TimeoutSeconds", "0",
        "Hub__Connectors__rt__TimeoutSeconds: connectors[0].timeoutSeconds: '0' must be a whole number from 1 to 600")]
    [InlineData("Hub__Releases__Fetch__AllowedHosts", "mirror.internal,http://x/",
        "Hub__Releases__Fetch__AllowedHosts: releases.fetch.allowedHosts[1]: 'http://x/' must be a host name or IP address (no scheme, port or path)")]
    [InlineData("Hub__Releases__Fetch__MaxPackageBytes", "-1",
        "Hub__Releases__Fetch__MaxPackageBytes: releases.fetch.maxPackageBytes: '-1' must be a positive whole number of bytes")]
    [InlineData("Hub__Releases__Fetch__AllowedHost", "127.0.0.1",
        "Hub__Releases__Fetch__AllowedHost: unknown setting")]
    public async Task Build_InvalidOverride_IsRefusedNamingTheSettingAndTheRule(string setting, string value, string expected)
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?> { [setting] = value });

        var error = Assert.Throws<HubStartupException>(() => Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_OverrideNamingTheLevelWithUnderscores_AppliesToThatLevelOnly()
    {
        // App Service on Linux allows no '-' in a setting name.
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["Hub__Incidents__Escalation__team_lead__AckWithin"] = "PT20M",
            ["Hub__Connectors__tickets_webhook__Url"] = "https://tickets.internal.example.org/events",
        });

        await using Microsoft.AspNetCore.Builder.WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings });

        var config = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Hub.Domain.Configuration.HubConfiguration>(app.Services);
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(15)], config.Incidents.Escalation.Select(l => l.AckWithin));
        Assert.Equal(new Uri("https://tickets.internal.example.org/events"), config.Connectors.Single(c => c.Name == "tickets-webhook").Url);
        Assert.Equal(new Uri("https://rt.example.org"), config.Connectors.Single(c => c.Name == "rt").Url);
    }

    [Fact]
    public async Task Build_EmptyOverride_KeepsTheFilesValue()
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["Hub__Connectors__rt__Url"] = "",
            ["Hub__Incidents__Escalation__tech-lead__AckWithin"] = " ",
        });

        await using Microsoft.AspNetCore.Builder.WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings });

        var config = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Hub.Domain.Configuration.HubConfiguration>(app.Services);
        Assert.Equal(new Uri("https://rt.example.org"), config.Connectors.Single(c => c.Name == "rt").Url);
        Assert.Equal(TimeSpan.FromMinutes(15), config.Incidents.Escalation[0].AckWithin);
    }

    private static async Task<long> TicketOfAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using JsonDocument json = JsonDocument.Parse(text);
        JsonElement root = json.RootElement;
        return root.TryGetProperty("number", out JsonElement number) ? number.GetInt64() : root.GetProperty("ticket").GetInt64();
    }
}
