using System.Net;
using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Support;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Incidents;

/// <summary>The bug-report hand-off on a real hub, through the RT connector, against a local RT REST2 server.</summary>
public sealed class HandOffTests
{
    [Fact]
    public async Task HandOff_BugReport_CreatesTheRtTicketWithALinkBackRecordsTeamAndExternalRefAndAnnouncesIt()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        Dictionary<string, string?> settings = Settings(Write(rtUrl: rt.BaseAddress));
        settings["Hub__Connectors__RtToken"] = FakeRt.Token;
        settings["Hub__PublicUrl"] = "https://hub.example.org";
        await using TestHub hub = await TestHub.StartAsync(settings);
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "ProductionDefect", subject = "Export truncates CSV", body = "Rows after 65,536 are lost.", requestors = new[] { "analyst@example.com" },
            customFields = new Dictionary<string, string> { ["Classification"] = "BugReport" },
        });
        using JsonDocument ticketJson = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        long ticket = ticketJson.RootElement.GetProperty("number").GetInt64();

        HttpResponseMessage handOff = await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", OperatorKey, new
        {
            team = "Archive-Team", tier = "PROD", recipients = new[] { "analyst@example.com" },
        });
        IncidentState done = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, handOff.StatusCode);
        RtTicket transferred = Assert.Single(rt.Tickets);
        Assert.Equal("Archive-Team", transferred.Queue);
        Assert.Equal($"[hub #{ticket}] Export truncates CSV", transferred.Subject);
        // The configured public URL, not the address this request happened to reach.
        Assert.Equal([$"https://hub.example.org/api/tickets/{ticket}"], transferred.RefersTo);
        Assert.Contains(rt.Requests, r => r.Method == "POST" && r.Path == "/REST/2.0/ticket" && r.Authorization == "token " + FakeRt.Token);
        Assert.Equal(transferred.Id, done.HandOff!.ExternalId);
        Assert.Equal(["analyst@example.com", "isda-pipeline@example.org", "isda-integrators@example.org", "map-support@example.org"], done.Recipients);
        IReadOnlyList<string> kinds = await IncidentApiTests.OutboxKindsAsync(hub, ticket, "handoff-announced", 1);
        Assert.Contains("handoff-managers", kinds);
        await HubState.WaitUntilAsync(async () =>
        {
            using JsonDocument t = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, $"/api/tickets/{ticket}", ReaderKey)).Content.ReadAsStringAsync());
            JsonElement state = t.RootElement.GetProperty("ticket");
            return state.GetProperty("customFields").TryGetProperty("Team", out JsonElement team) && team.GetString() == "Archive-Team"
                && state.GetProperty("externalRefs").EnumerateArray().Any(r => r.GetProperty("id").GetString() == transferred.Id && r.GetProperty("system").GetString() == "rt");
        }, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(400, "Invalid queue")]
    [InlineData(403, "No permission to create tickets in the queue 'Nobody'")]
    public async Task HandOff_RtRefusesTheQueue_RecordsThePermanentFailureAndTellsTheTierManagers(int status, string message)
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        rt.FailNext(status, message: message);
        Dictionary<string, string?> settings = Settings(Write(rtUrl: rt.BaseAddress));
        settings["Hub__Connectors__RtToken"] = FakeRt.Token;
        await using TestHub hub = await TestHub.StartAsync(settings);
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "ProductionDefect", subject = "Bad export", body = "x" });
        using JsonDocument ticketJson = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        long ticket = ticketJson.RootElement.GetProperty("number").GetInt64();

        await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", OperatorKey, new { team = "Nobody" });
        IncidentState failed = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.HandOffFailed, TimeSpan.FromSeconds(20));
        HttpResponseMessage badTeam = await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", OperatorKey, new { team = " " });

        Assert.Contains(message, failed.HandOff!.Error, StringComparison.Ordinal);
        Assert.False(failed.HandOff.Succeeded);
        Assert.Contains("handoff-failed", await IncidentApiTests.OutboxKindsAsync(hub, ticket, "handoff-failed", 1));
        await IncidentApiTests.AssertProblemAsync(badTeam, HttpStatusCode.UnprocessableEntity, "team: name the team whose system of record takes the ticket.", "team");
    }
}
