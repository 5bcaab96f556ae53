using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Connectors;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Incidents;

/// <summary>The bug-report hand-off on a real hub into a real RT 5 (<see cref="RealRt"/>), read back over REST2.</summary>
public sealed class RealRtHandOffTests
{
    [Fact]
    public async Task HandOff_BugReport_RtTicketHasTheDescriptionRequestorsCcAndLinkBack()
    {
        RealRt rt = await RealRt.SharedAsync();
        await using TestHub hub = await StartAsync(rt, out string publicUrl);
        long ticket = await OpenAsync(hub, new
        {
            queue = "ProductionDefect", subject = "Export truncates CSV", body = "Rows after 65,536 are lost.\nSeen in the nightly export.",
            requestors = new[] { "analyst@example.com" }, cc = new[] { "lead@example.com" },
            customFields = new Dictionary<string, string> { ["Classification"] = "BugReport" },
        });

        await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", OperatorKey, new { team = RealRt.TeamQueue });
        IncidentState done = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(30));

        JsonElement external = await rt.TicketAsync(done.HandOff!.ExternalId!);
        Assert.Equal($"[hub #{ticket}] Export truncates CSV", external.GetProperty("Subject").GetString());
        Assert.Equal(["analyst@example.com"], RealRtConnectorTests.Ids(external, "Requestor"));
        Assert.Equal(["lead@example.com"], RealRtConnectorTests.Ids(external, "Cc"));
        Assert.Equal([$"{publicUrl}/api/tickets/{ticket}"],
            external.GetProperty("_hyperlinks").EnumerateArray().Where(h => h.GetProperty("ref").GetString() == "refers-to").Select(h => h.GetProperty("_url").GetString()));
        JsonElement attachments = await rt.GetAsync($"ticket/{done.HandOff.ExternalId}/attachments?fields=Content");
        Assert.Equal("Rows after 65,536 are lost.\nSeen in the nightly export.", attachments.GetProperty("items")[0].GetProperty("Content").GetString());
    }

    [Fact]
    public async Task HandOff_ToAQueueRtDoesNotHave_EndsHandOffFailedWithRtsReasonAndTellsTheTierManagers()
    {
        RealRt rt = await RealRt.SharedAsync();
        await using TestHub hub = await StartAsync(rt, out _);
        long ticket = await OpenAsync(hub, new { queue = "ProductionDefect", subject = "Bad export", body = "x" });
        string queue = "Nobody-" + Guid.NewGuid().ToString("N")[..8];

        await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", OperatorKey, new { team = queue });
        IncidentState failed = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.HandOffFailed, TimeSpan.FromSeconds(30));

        Assert.False(failed.HandOff!.Succeeded);
        Assert.Contains($"answered 403: No permission to create tickets in the queue '{queue}'", failed.HandOff.Error, StringComparison.Ordinal);
        Assert.Contains("handoff-failed", await IncidentApiTests.OutboxKindsAsync(hub, ticket, "handoff-failed", 1));
    }

    [Fact]
    public async Task HandOff_WithAWrongRtToken_StaysHandingOffWithTheVisible401AndRetries()
    {
        RealRt rt = await RealRt.SharedAsync();
        await using TestHub hub = await StartAsync(rt, out _, token: "1-27-0123456789abcdef0123456789abcdef");
        long ticket = await OpenAsync(hub, new { queue = "ProductionDefect", subject = "Wrong token", body = "x" });

        await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", OperatorKey, new { team = RealRt.TeamQueue });
        IncidentState retrying = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.HandOff?.Error is not null, TimeSpan.FromSeconds(30));

        // Still handing off: the outbox tries the call again, so nothing is lost while the token is put right.
        Assert.Equal(IncidentStatus.HandingOff, retrying.Status);
        Assert.Contains("answered 401: Unauthorized", retrying.HandOff!.Error, StringComparison.Ordinal);
    }

    private static Task<TestHub> StartAsync(RealRt rt, out string publicUrl, string? token = null)
    {
        string config = Write(rtUrl: rt.BaseAddress);
        // No retries inside a dispatch: a 401 is reported at once, and retried by the outbox, as in production.
        File.WriteAllText(config, File.ReadAllText(config).Replace("secretSetting: Hub__Connectors__RtToken }", "secretSetting: Hub__Connectors__RtToken, maxRetries: 0 }", StringComparison.Ordinal));
        Dictionary<string, string?> settings = Settings(config);
        settings["Hub__Connectors__RtToken"] = token ?? rt.HubToken;
        // Every hub numbers its tickets from 1: a public URL of its own keeps its link backs apart in the shared RT.
        publicUrl = $"https://hub-{Guid.NewGuid():N}.example.org";
        settings["Hub__PublicUrl"] = publicUrl;
        return TestHub.StartAsync(settings);
    }

    private static async Task<long> OpenAsync(TestHub hub, object body)
    {
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, body);
        using JsonDocument json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("number").GetInt64();
    }
}
