using System.Net;
using System.Text.Json;
using Hub.Functions.Tests.Support;
using Hub.Testing;

namespace Hub.Functions.Tests.Changes;

/// <summary>
/// The change API's edges on a real hub (issue #14): release windows across both daylight-saving changes computed in
/// the service's zone (fixed dates), a record's bad windows named field by field, the iCalendar feed's access, a bad
/// request opening nothing, and a manual installation (a service without agents) over which the release slot closes:
/// the closing is reported, and the outcome needs its evidence.
/// </summary>
public sealed class ChangeApiTests
{
    private const string IntegratorKey = "change-api-integrator-key-0123456";
    private const string DeveloperKey = "change-api-developer-key-01234567";
    private const string FeedToken = "feed-token-0123456789abcdef";

    [Fact]
    public async Task Calendar_WeeklyLondonWindowAcrossBothDaylightSavingChanges_OpensAtTheLocalTimeEachWeek()
    {
        await using TestHub hub = await StartAsync();
        await Expect(HttpStatusCode.Created, Send(hub, HttpMethod.Put, "/api/catalog/services/ledger", IntegratorKey, Service("ledger", new
        {
            timeZone = "Europe/London",
            releaseWindows = new[] { new { days = new[] { "Sun" }, start = "01:30", duration = "01:00", name = "Sunday night" } },
        })));

        string[] spring = await StartsAsync(hub, "2026-03-21T00:00:00Z", "2026-04-06T00:00:00Z");
        string[] autumn = await StartsAsync(hub, "2026-10-17T00:00:00Z", "2026-11-02T00:00:00Z");

        // 01:30 GMT; then 01:30 falls in the gap of 29 March and opens when the clocks jump (02:00 BST); then 01:30 BST.
        Assert.Equal(["2026-03-22T01:30:00Z", "2026-03-29T01:00:00Z", "2026-04-05T00:30:00Z"], spring);
        // 01:30 BST; on 25 October 01:30 happens twice and the window opens at the first; then 01:30 GMT.
        Assert.Equal(["2026-10-18T00:30:00Z", "2026-10-25T00:30:00Z", "2026-11-01T01:30:00Z"], autumn);
    }

    [Fact]
    public async Task Put_ServiceWithBadZoneWindowsAndSlots_Is422NamingEachField()
    {
        await using TestHub hub = await StartAsync();
        DateTimeOffset at = new(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);

        JsonElement problem = await Expect(HttpStatusCode.UnprocessableEntity, Send(hub, HttpMethod.Put, "/api/catalog/services/ledger", IntegratorKey, Service("ledger", new
        {
            timeZone = "Mars/Olympus",
            releaseWindows = new[] { new { days = new[] { "Funday" }, start = "25:00", duration = "0:00", name = "never" } },
            releaseSlots = new[] { new { start = at, end = at.AddHours(-1), name = "backwards" } },
        })));

        Assert.Equal(
            ["timeZone", "releaseWindows[0].days[0]", "releaseWindows[0].start", "releaseWindows[0].duration", "releaseSlots[0].end"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Send(hub, HttpMethod.Get, "/api/catalog/services/ledger", IntegratorKey)).StatusCode);
    }

    [Fact]
    public async Task Feed_WithoutKeyOrWithAWrongToken_Is401_WithTheTokenIsICalendar()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage bare = await hub.Client.GetAsync(new Uri("/api/changes/calendar.ics", UriKind.Relative));
        HttpResponseMessage wrong = await hub.Client.GetAsync(new Uri("/api/changes/calendar.ics?token=guess", UriKind.Relative));
        HttpResponseMessage right = await hub.Client.GetAsync(new Uri($"/api/changes/calendar.ics?token={FeedToken}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("text/calendar", right.Content.Headers.ContentType?.MediaType);
        string ics = await right.Content.ReadAsStringAsync();
        Assert.StartsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", ics, StringComparison.Ordinal);
        Assert.EndsWith("END:VCALENDAR\r\n", ics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_UnknownServiceBadKindAndMalformedBuild_Is422NamingEachAndOpensNothing()
    {
        await using TestHub hub = await StartAsync();

        JsonElement problem = await Expect(HttpStatusCode.UnprocessableEntity, Send(hub, HttpMethod.Post, "/api/changes", DeveloperKey, new
        {
            service = "nowhere", version = "1.0", kind = "whim", summary = "x", build = "portal-bin-stable-1.2",
        }));
        JsonElement list = await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Get, "/api/changes", DeveloperKey));

        Assert.Equal(["kind", "build", "service"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ManualInstallation_SlotClosesWhileItRuns_IsReportedAndTheOutcomeNeedsEvidence()
    {
        await using TestHub hub = await StartAsync();
        DateTimeOffset closes = DateTimeOffset.UtcNow.AddSeconds(6);
        // Tiers without nodes: nobody's agent installs this service, people do.
        await Expect(HttpStatusCode.Created, Send(hub, HttpMethod.Put, "/api/catalog/services/vault", IntegratorKey, new
        {
            name = "vault",
            owners = new[] { "vault-owners@example.org" },
            recipientLists = new[] { "vault-team@example.org" },
            releaseSlots = new[] { new { start = closes.AddHours(-1), end = closes, name = "today" } },
            tiers = new[] { new { name = "TEST", nodes = Array.Empty<object>() }, new { name = "PROD", nodes = Array.Empty<object>() } },
        }));
        JsonElement opened = await Expect(HttpStatusCode.Created, Send(hub, HttpMethod.Post, "/api/changes", DeveloperKey, new { service = "vault", version = "7.1", kind = "fix", summary = "Vault 7.1" }));
        long n = opened.GetProperty("number").GetInt64();
        Assert.False(opened.GetProperty("change").GetProperty("service").GetProperty("hasAgent").GetBoolean());

        await Expect(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{n}/promotions", DeveloperKey, new { tier = "TEST" }));
        JsonElement noEvidence = await Expect(HttpStatusCode.UnprocessableEntity, Send(hub, HttpMethod.Post, $"/api/changes/{n}/installations", DeveloperKey, new { tier = "TEST", succeeded = true }));
        await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Post, $"/api/changes/{n}/installations", DeveloperKey, new { tier = "TEST", succeeded = true, evidence = "run sheet RS-12" }));
        // TEST vets what PROD (the service has no STAGE) may take; PROD is promoted inside the slot.
        JsonElement installing = await Expect(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{n}/promotions", IntegratorKey, new { tier = "PROD" }));
        Assert.Equal("Installing PROD", installing.GetProperty("state").GetString());

        JsonElement closed = default;
        await HubState.WaitUntilAsync(async () =>
        {
            closed = await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Get, $"/api/changes/{n}", DeveloperKey));
            return closed.GetProperty("change").GetProperty("tiers")[1].GetProperty("windowClosedAt").ValueKind == JsonValueKind.String;
        }, TimeSpan.FromSeconds(40));
        JsonElement done = await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Post, $"/api/changes/{n}/installations", IntegratorKey, new { tier = "PROD", succeeded = true, evidence = "https://wiki.example.org/rs-13" }));

        Assert.Equal("EvidenceRequired", noEvidence.GetProperty("rule").GetString());
        Assert.Equal("Installing PROD", closed.GetProperty("state").GetString()); // reported, not interrupted
        Assert.Equal(closes.ToUnixTimeSeconds(), closed.GetProperty("change").GetProperty("tiers")[1].GetProperty("windowClosedAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal("Completed PROD", done.GetProperty("state").GetString());
        Assert.Equal("https://wiki.example.org/rs-13", done.GetProperty("change").GetProperty("tiers")[1].GetProperty("evidence").GetString());
    }

    private static async Task<string[]> StartsAsync(TestHub hub, string from, string to)
    {
        JsonElement calendar = await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Get, $"/api/changes/calendar?service=ledger&from={from}&to={to}", DeveloperKey));
        return [.. calendar.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("start").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static System.Text.Json.Nodes.JsonObject Service(string name, object windows)
    {
        var record = JsonSerializer.SerializeToNode(new
        {
            name,
            owners = new[] { $"{name}-owners@example.org" },
            tiers = new[] { new { name = "PROD", nodes = Array.Empty<object>() } },
        })!.AsObject();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(windows)!.AsObject().ToList())
        {
            record[key] = value?.DeepClone();
        }

        return record;
    }

    private static Task<TestHub> StartAsync() => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub__ApiKeys__si"] = $"integrator,operator:{IntegratorKey}",
        ["Hub__ApiKeys__dev"] = $"developer:{DeveloperKey}",
        ["Hub__CalendarFeedToken"] = FeedToken,
    });

    private static async Task<JsonElement> Expect(HttpStatusCode status, Task<HttpResponseMessage> send)
    {
        HttpResponseMessage response = await send;
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> Send(TestHub hub, HttpMethod method, string path, string key, object? body = null) =>
        Api.SendAsync(hub, method, path, key, body, method == HttpMethod.Put ? "*" : null);
}
