using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Catalog;

/// <summary>The service catalog API on a real hub (issue #13): versions with ETags, If-Match, history, validation, roles.</summary>
public sealed class CatalogApiTests
{
    private const string OperatorKey = "catalog-operator-key-0123456789";
    private const string ReaderKey = "catalog-reader-key-0123456789ab";

    [Fact]
    public async Task Put_NewService_CreatedAsVersion1_ThenEachChangeNeedsTheCurrentETagAndIsInTheHistory()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger());
        HttpResponseMessage unguarded = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(runBook: "https://runbooks.example.org/ledger-v2"));
        HttpResponseMessage stale = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(runBook: "https://runbooks.example.org/ledger-v2"), ifMatch: "\"7\"");
        HttpResponseMessage changed = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(runBook: "https://runbooks.example.org/ledger-v2", rank: 40), ifMatch: "\"1\"");
        HttpResponseMessage same = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/LEDGER", OperatorKey, Ledger(runBook: "https://runbooks.example.org/ledger-v2", rank: 40), ifMatch: "\"2\"");
        HttpResponseMessage read = await SendAsync(hub, HttpMethod.Get, "/api/catalog/services/Ledger", ReaderKey);
        using JsonDocument history = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/catalog/services/ledger/history", ReaderKey));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/catalog/services/ledger", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PreconditionRequired, unguarded.StatusCode);
        Assert.Contains("\"1\"", (await JsonAsync(unguarded)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal("\"2\"", same.Headers.ETag?.Tag);
        using JsonDocument entry = await JsonAsync(read);
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
        Assert.Equal((2, "api", "test-operator"), (entry.RootElement.GetProperty("version").GetInt32(), entry.RootElement.GetProperty("source").GetString(), entry.RootElement.GetProperty("changedBy").GetString()));
        Assert.Equal(40, entry.RootElement.GetProperty("record").GetProperty("startupRank").GetInt32());
        JsonElement[] versions = [.. history.RootElement.GetProperty("versions").EnumerateArray()];
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(["runBookUrl", "startupRank"], versions[0].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("tiers", versions[1].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.All(versions, v => Assert.Equal("test-operator", v.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task Put_SameNewServiceTwiceAtOnce_OneCreatesTheOtherIs412()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage[] answers = await Task.WhenAll(
            SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(rank: 31)),
            SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(rank: 32)));
        using JsonDocument history = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/catalog/services/ledger/history", ReaderKey));

        // Both read "no such service" and race to commit (412 for the loser), or the second read the first's record
        // and sent no If-Match (428): either way one version, never a silent second.
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Single(answers, a => a.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.PreconditionRequired);
        Assert.Single(history.RootElement.GetProperty("versions").EnumerateArray());
    }

    [Fact]
    public async Task Put_RecordBreakingSeveralRules_Answers422ListingEveryFieldAndStoresNothing()
    {
        await using TestHub hub = await StartAsync();
        var broken = new
        {
            startupRank = -1,
            owners = new[] { "not-an-address" },
            tiers = new[] { new { name = "PRODUCTION", nodes = new[] { new { name = "n1", serverTier = "App" } } } },
        };

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, broken);
        HttpResponseMessage read = await SendAsync(hub, HttpMethod.Get, "/api/catalog/services/ledger", ReaderKey);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        using JsonDocument problem = await JsonAsync(refused);
        string?[] fields = [.. problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())];
        Assert.Contains("startupRank", fields);
        Assert.Contains("owners[0]", fields);
        Assert.Contains("tiers[0].name", fields);
        Assert.Contains("tiers[0].nodes[0].agentUrl", fields);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Get_ServiceOnlyInTheConfig_IsVersion0_AndTheFirstPutIsComparedWithIt()
    {
        await using TestHub hub = await StartAsync();
        HttpResponseMessage seed = await SendAsync(hub, HttpMethod.Get, "/api/catalog/services/archive", ReaderKey);
        using JsonDocument seeded = await JsonAsync(seed);
        JsonElement record = seeded.RootElement.GetProperty("record");
        var changed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(record.GetRawText())!;
        changed["runBookUrl"] = JsonSerializer.SerializeToElement("https://runbooks.example.org/archive-v2");

        HttpResponseMessage stored = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/archive", OperatorKey, changed, ifMatch: "\"0\"");
        using JsonDocument history = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/catalog/services/archive/history", ReaderKey));
        using JsonDocument list = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/catalog/services", ReaderKey));

        Assert.Equal(("\"0\"", 0, "config"), (seed.Headers.ETag?.Tag, seeded.RootElement.GetProperty("version").GetInt32(), seeded.RootElement.GetProperty("source").GetString()));
        Assert.Equal(20, record.GetProperty("startupRank").GetInt32());
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal("\"1\"", stored.Headers.ETag?.Tag);
        Assert.Equal(["runBookUrl"], history.RootElement.GetProperty("versions")[0].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        JsonElement archive = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("name").GetString() == "archive");
        Assert.Equal((1, "api"), (archive.GetProperty("version").GetInt32(), archive.GetProperty("source").GetString()));
        Assert.Equal(["TEST", "LIVE"], archive.GetProperty("tiers").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Put_ByAReaderOrUnderAnotherName_IsRefusedAndNothingStored()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage reader = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", ReaderKey, Ledger());
        HttpResponseMessage renamed = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(name: "journal"));
        HttpResponseMessage read = await SendAsync(hub, HttpMethod.Get, "/api/catalog/services/ledger", ReaderKey);

        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, renamed.StatusCode);
        Assert.Equal("name", (await JsonAsync(renamed)).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task CertificateCheck_CertificateNearExpiry_OneTicketForTheOwnersUntilRenewedAndNearExpiryAgain()
    {
        await using TestHub hub = await StartAsync();
        DateTimeOffset soon = DateTimeOffset.UtcNow.AddDays(10);
        await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(certificateExpiry: soon));

        // The timer through the admin route, as an operator would run it by hand.
        using (var fire = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/CertificateCheck") { Content = JsonContent.Create(new { input = "" }) })
        {
            fire.Headers.Add(Hub.Functions.Admin.AdminKey.Header, TestHub.AdminKey);
            Assert.Equal(HttpStatusCode.Accepted, (await hub.Client.SendAsync(fire)).StatusCode);
        }

        await HubState.WaitUntilAsync(async () => (await CertificateTicketsAsync(hub)).Count == 1);
        await RunCertificateCheckAsync(hub);
        IReadOnlyList<JsonElement> once = await CertificateTicketsAsync(hub);
        await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(certificateExpiry: soon.AddDays(400)), ifMatch: "\"1\"");
        await RunCertificateCheckAsync(hub);
        IReadOnlyList<JsonElement> renewed = await CertificateTicketsAsync(hub);
        await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger(certificateExpiry: soon.AddDays(5)), ifMatch: "\"2\"");
        await RunCertificateCheckAsync(hub);
        IReadOnlyList<JsonElement> again = await CertificateTicketsAsync(hub);

        JsonElement ticket = Assert.Single(once);
        Assert.Equal("Admin", ticket.GetProperty("queue").GetString());
        using JsonDocument detail = await JsonAsync(await SendAsync(hub, HttpMethod.Get, $"/api/tickets/{ticket.GetProperty("number").GetInt64()}", ReaderKey));
        Assert.Equal(["ledger-owners@example.org"], detail.RootElement.GetProperty("ticket").GetProperty("requestors").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal($"[Certificate] ledger LIVE: ledger.example.org expires {soon.UtcDateTime:yyyy-MM-dd}", ticket.GetProperty("subject").GetString());
        Assert.Single(renewed);
        Assert.Equal(2, again.Count);
    }

    private static async Task RunCertificateCheckAsync(TestHub hub)
    {
        using IServiceScope scope = hub.App.Services.CreateScope();
        await ActivatorUtilities.CreateInstance<Hub.Functions.Catalog.CertificateFunctions>(scope.ServiceProvider)
            .RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        await HubState.WaitForIdleAsync(hub); // the ticket is opened by the notice's effect, after its commit
    }

    private static async Task<IReadOnlyList<JsonElement>> CertificateTicketsAsync(TestHub hub)
    {
        using JsonDocument list = await JsonAsync(await SendAsync(hub, HttpMethod.Get, "/api/tickets?queue=Admin", ReaderKey));
        return [.. list.RootElement.GetProperty("items").EnumerateArray().Where(t => t.GetProperty("subject").GetString()!.StartsWith("[Certificate]", StringComparison.Ordinal)).Select(t => t.Clone())];
    }

    private static object Ledger(string name = "ledger", string runBook = "https://runbooks.example.org/ledger", int rank = 30, DateTimeOffset? certificateExpiry = null) => new
    {
        name,
        startupRank = rank,
        owners = new[] { "ledger-owners@example.org" },
        runBookUrl = runBook,
        tiers = new[]
        {
            new
            {
                name = "LIVE",
                agentUrl = "https://agents.example.org/ledger",
                nodes = new[] { new { name = "ledger-1", serverTier = "App" } },
                certificates = certificateExpiry is { } expiry
                    ? new object[] { new { commonName = "ledger.example.org", authority = "Example CA", server = "ledger-1", expiry } }
                    : [],
            },
        },
    };

    private static Task<TestHub> StartAsync() => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub__ApiKeys__test-operator"] = $"operator:{OperatorKey}",
        ["Hub__ApiKeys__test-reader"] = $"logs-reader:{ReaderKey}",
    });

    private static Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, string key, object? body = null, string? ifMatch = null) =>
        Api.SendAsync(hub, method, path, key, body, ifMatch);

    private static async Task<JsonDocument> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync());
}
