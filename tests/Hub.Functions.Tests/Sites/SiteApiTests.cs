using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Functions.Tests.Support;

namespace Hub.Functions.Tests.Sites;

/// <summary>The sites API on a real hub (issue #13): config and stored versions, If-Match, and commands refused before anything starts.</summary>
public sealed class SiteApiTests
{
    private const string OperatorKey = "sites-operator-key-0123456789ab";
    private const string ReaderKey = "sites-reader-key-0123456789abcd";

    [Fact]
    public async Task Sites_ConfigSiteThenStoredVersions_NeedIfMatchAndAreCheckedAgainstTheCatalog()
    {
        await using TestHub hub = await StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Service("ledger", 10))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/till", OperatorKey, Service("till", 20))).StatusCode);

        using JsonDocument before = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/sites", ReaderKey));
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Put, "/api/sites/shop", OperatorKey, Shop("ledger", "till"));
        HttpResponseMessage unguarded = await SendAsync(hub, HttpMethod.Put, "/api/sites/shop", OperatorKey, Shop("till", "ledger"));
        HttpResponseMessage changed = await SendAsync(hub, HttpMethod.Put, "/api/sites/shop", OperatorKey, Shop("till", "ledger"), ifMatch: "\"1\"");
        HttpResponseMessage broken = await SendAsync(hub, HttpMethod.Put, "/api/sites/shop", OperatorKey, new
        {
            name = "shop",
            services = new object[] { new { service = "nowhere" }, new { service = "ledger", after = new[] { "till" } } },
        }, ifMatch: "\"2\"");
        HttpResponseMessage readerPut = await SendAsync(hub, HttpMethod.Put, "/api/sites/shop", ReaderKey, Shop("ledger"), ifMatch: "\"2\"");
        HttpResponseMessage read = await SendAsync(hub, HttpMethod.Get, "/api/sites/SHOP", ReaderKey);

        JsonElement portal = Assert.Single(before.RootElement.GetProperty("items").EnumerateArray(), s => s.GetProperty("name").GetString() == "portal");
        Assert.Equal((0, "config"), (portal.GetProperty("version").GetInt32(), portal.GetProperty("source").GetString()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PreconditionRequired, unguarded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        string[] fields = [.. (await JsonAsync(broken)).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!)];
        Assert.Contains("services[0].service", fields);
        Assert.Contains("services[1].after[0]", fields);
        Assert.Equal(HttpStatusCode.Forbidden, readerPut.StatusCode);
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
        using JsonDocument site = await JsonAsync(read);
        Assert.Equal(["ledger", "till"], site.RootElement.GetProperty("site").GetProperty("services").EnumerateArray().Select(m => m.GetProperty("service").GetString()).Order());
        Assert.Equal(JsonValueKind.Null, site.RootElement.GetProperty("active").ValueKind);
    }

    [Fact]
    public async Task Command_BadOrUnsignable_IsA4xxProblemAndStartsNothing()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage unknownSite = await SendAsync(hub, HttpMethod.Post, "/api/sites/nowhere/commands", OperatorKey, new { command = "Start" });
        HttpResponseMessage noCommand = await SendAsync(hub, HttpMethod.Post, "/api/sites/portal/commands", OperatorKey, new { keepgoing = true, strategy = "rolling" });
        HttpResponseMessage unknownCommand = await SendAsync(hub, HttpMethod.Post, "/api/sites/portal/commands", OperatorKey, new { command = "Launch" });
        HttpResponseMessage unknownTier = await SendAsync(hub, HttpMethod.Post, "/api/sites/portal/commands", OperatorKey, new { command = "Status", tier = "MOON" });
        // The sample site's agents are https://...example.org URLs that no Hub__Agents__* entry covers: nothing could be signed.
        HttpResponseMessage unsigned = await SendAsync(hub, HttpMethod.Post, "/api/sites/portal/commands", OperatorKey, new { command = "Start" });
        HttpResponseMessage reader = await SendAsync(hub, HttpMethod.Post, "/api/sites/portal/commands", ReaderKey, new { command = "Start" });
        using JsonDocument runs = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/sites/portal/runs", ReaderKey));

        Assert.Equal(HttpStatusCode.NotFound, unknownSite.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noCommand.StatusCode);
        Assert.Equal(["command", "strategy"], (await JsonAsync(noCommand)).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.True(unknownCommand.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"an unknown command was answered {unknownCommand.StatusCode}");
        Assert.Contains("command", await unknownCommand.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownTier.StatusCode);
        Assert.Contains("tier", (await JsonAsync(unknownTier)).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unsigned.StatusCode);
        string problem = await unsigned.Content.ReadAsStringAsync();
        Assert.Contains("Hub__Agents__", problem, StringComparison.Ordinal);
        Assert.Contains("https://archive-app-1.example.org:8443/agent", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Empty(runs.RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Command_ServiceLostItsRankOrSiteWithACycle_Is422NamingTheRuleAndStartsNothing()
    {
        await using TestHub hub = await StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Service("ledger", 10))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/till", OperatorKey, Service("till", 20))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(hub, HttpMethod.Put, "/api/sites/shop", OperatorKey, Shop("ledger", "till"))).StatusCode);

        // The site was valid when stored; the command is planned against the catalog as it is now.
        HttpResponseMessage unranked = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/till", OperatorKey, Service("till", null), ifMatch: "\"1\"");
        HttpResponseMessage start = await SendAsync(hub, HttpMethod.Post, "/api/sites/shop/commands", OperatorKey, new { command = "Start" });
        HttpResponseMessage cycle = await SendAsync(hub, HttpMethod.Put, "/api/sites/shop", OperatorKey, new
        {
            name = "shop",
            services = new object[] { new { service = "ledger", after = new[] { "till" } }, new { service = "till", after = new[] { "ledger" } } },
        }, ifMatch: "\"1\"");
        using JsonDocument runs = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/sites/shop/runs", ReaderKey));
        using JsonDocument site = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/sites/shop", ReaderKey));

        Assert.Equal(HttpStatusCode.OK, unranked.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, start.StatusCode);
        JsonElement missing = Assert.Single((await JsonAsync(start)).RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("services[1].service", missing.GetProperty("field").GetString());
        Assert.Contains("'till' has no startupRank", missing.GetProperty("rule").GetString() ?? missing.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cycle.StatusCode);
        Assert.Contains((await JsonAsync(cycle)).RootElement.GetProperty("errors").EnumerateArray(), e =>
            e.GetProperty("field").GetString() == "services[0].after" && e.ToString().Contains("form a cycle: ledger -> till -> ledger", StringComparison.Ordinal));
        Assert.Empty(runs.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(1, site.RootElement.GetProperty("version").GetInt32());
    }

    private static object Service(string name, int? rank) => new
    {
        name,
        startupRank = rank,
        owners = new[] { $"{name}-owners@example.org" },
        tiers = new[] { new { name = "LIVE", agentUrl = $"http://127.0.0.1:1/{name}", nodes = new[] { new { name = $"{name}-1", serverTier = "App" } } } },
    };

    private static object Shop(params string[] services) => new { name = "shop", recipientLists = new[] { "map-support" }, services = services.Select(s => new { service = s }).ToArray() };

    private static Task<TestHub> StartAsync() => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub__ApiKeys__test-operator"] = $"operator:{OperatorKey}",
        ["Hub__ApiKeys__test-reader"] = $"logs-reader:{ReaderKey}",
    });

    private static Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, string key, object? body = null, string? ifMatch = null) =>
        Api.SendAsync(hub, method, path, key, body, ifMatch);

    private static async Task<JsonDocument> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync());
}
