using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Security;
using Hub.Functions.Hosting;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;

namespace Hub.Functions.Tests.Hosting;

/// <summary>
/// local.settings.sample.json as shipped makes a hub every configured webhook source can reach, and a source whose
/// secret is not set stops the start instead of answering 401 to every delivery.
/// </summary>
public sealed class SampleSettingsTests
{
    [Fact]
    public async Task Sample_AsShipped_AcceptsCorrectlySignedGrafanaAndRtWebhooks()
    {
        Dictionary<string, string?> sample = SampleValues();
        Dictionary<string, string?> settings = await RunnableHereAsync(sample);
        await using WebApplication app = BuildHub(settings);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(settings["Hub__Urls"]!), Timeout = TimeSpan.FromSeconds(30) };

        using HttpResponseMessage grafana = await client.SendAsync(GrafanaDelivery(sample["Hub__Secrets__GrafanaWebhookSecret"]!));
        using HttpResponseMessage rt = await client.SendAsync(RtDelivery(sample["Hub__Secrets__RtWebhookSecret"]!));

        Assert.Equal("", sample["Hub__Secrets__RtWebhookSecretNext"]);
        Assert.Equal(HttpStatusCode.Accepted, grafana.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, rt.StatusCode);
    }

    [Theory]
    [InlineData("Hub__Secrets__MailBasicAuth", "mail")]
    [InlineData("Hub__Secrets__AlertmanagerToken", "alertmanager")]
    [InlineData("Hub__Secrets__GrafanaWebhookSecret", "grafana")]
    [InlineData("Hub__Secrets__AzureMonitorToken", "azure-monitor")]
    [InlineData("Hub__Secrets__PagerDutyToken", "pagerduty")]
    [InlineData("Hub__Secrets__RtWebhookSecret", "rt")]
    public async Task Build_SourceSecretEmpty_IsRefusedNamingTheSettingAndTheSource(string setting, string source)
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?> { [setting] = "" });

        var error = Assert.Throws<HubStartupException>(() => BuildHub(settings));

        Assert.Contains($"Setting '{setting}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"webhook source '{source}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_GrafanaSecretNotAStandardWebhooksSecret_IsRefusedNamingTheSettingNotTheValue()
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["Hub__Secrets__GrafanaWebhookSecret"] = "whsec_not*base64",
        });

        var error = Assert.Throws<HubStartupException>(() => BuildHub(settings));

        Assert.Contains("Setting 'Hub__Secrets__GrafanaWebhookSecret' (a secret of webhook source 'grafana') is not a Standard Webhooks secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not*base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_RotationSecretEmpty_StartsAndAcceptsTheFirstSecret()
    {
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Secrets__RtWebhookSecret"] = "rt-current-secret-0123456789",
            ["Hub__Secrets__RtWebhookSecretNext"] = "",
        });

        using HttpResponseMessage response = await hub.Client.SendAsync(RtDelivery("rt-current-secret-0123456789"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Build_SampleGrafanaSecretOutsideDevelopment_IsRefusedAsDevelopmentOnly()
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hub__Secrets__GrafanaWebhookSecret"] = SampleValues()["Hub__Secrets__GrafanaWebhookSecret"],
        });

        var error = Assert.Throws<HubStartupException>(() => BuildHub(settings));

        Assert.Contains("Setting 'Hub__Secrets__GrafanaWebhookSecret' holds a development-only credential", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_UnrelatedSettingWithDevelopmentOnlyValueInProduction_Starts()
    {
        // What an operator's shell (or CI) may hold: not a hub setting, so not the hub's to refuse.
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AUDIT_PROBE"] = "dev-only-probe",
        });

        await using WebApplication app = BuildHub(settings);

        Assert.Equal("Production", app.Environment.EnvironmentName);
    }

    private static WebApplication BuildHub(Dictionary<string, string?> settings) =>
        Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings });

    private static Dictionary<string, string?> SampleValues()
    {
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.OrdinalIgnoreCase);
    }

    // Only what differs on this machine from a developer's: the test Azurite, a free port, the file by absolute path,
    // names of its own, and timers that stay quiet. Every secret, key and the environment are the sample's.
    private static async Task<Dictionary<string, string?>> RunnableHereAsync(Dictionary<string, string?> sample)
    {
        Azurite azurite = await Azurite.SharedAsync();
        var settings = new Dictionary<string, string?>(sample, StringComparer.OrdinalIgnoreCase)
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Hub__Urls"] = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}",
            ["Hub__Config"] = Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"),
            ["Hub__HostId"] = Azurite.UniqueName("h"),
            ["Hub__InstanceId"] = Azurite.UniqueName("i"),
            ["Hub__DurableName"] = Azurite.UniqueName("d"),
            ["Hub__HousekeepingSchedule"] = "0 0 0 1 1 *",
            ["Hub__OutboxRelaySchedule"] = "0 0 0 1 1 *",
            ["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *",
        };
        return settings;
    }

    // Standard Webhooks, computed here: HMAC-SHA256 over "{id}.{timestamp}.{body}" keyed with the base64 after whsec_.
    private static HttpRequestMessage GrafanaDelivery(string secret)
    {
        string now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string id = "msg_" + Guid.NewGuid().ToString("N");
        byte[] body = Encoding.UTF8.GetBytes($$"""
            {"version":"1","groupKey":"grafana-{{id}}","status":"firing","orgId":1,"title":"[FIRING:1] DiskFull",
             "alerts":[{"status":"firing","labels":{"alertname":"DiskFull-{{id}}","severity":"warning"},"startsAt":"2026-12-01T10:00:00Z"}]}
            """);
        byte[] key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{now}."), .. body];
        string signature = Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/alerts/grafana") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", now);
        request.Headers.Add("webhook-signature", "v1," + signature);
        return request;
    }

    // GitHub style: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>, the secret's UTF-8 bytes the key.
    private static HttpRequestMessage RtDelivery(string secret)
    {
        string id = "RT-" + RandomNumberGenerator.GetInt32(1, 1_000_000).ToString(CultureInfo.InvariantCulture);
        byte[] body = Encoding.UTF8.GetBytes($$$"""
            {"event":"created","deliveryId":"created-{{{id}}}-{{{Guid.NewGuid():N}}}","ticket":{"id":"{{{id}}}","url":"https://rt.example.org/Ticket/Display.html?id={{{id[3..]}}}","subject":"Printer on fire","status":"new"},
             "comment":{"body":"It is on fire.","author":"alice@example.com","internal":false}}
            """);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/tickets/rt") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return request;
    }
}
