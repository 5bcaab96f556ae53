using System.Net;
using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Incidents;

/// <summary>
/// What the service catalog feeds incidents (issue #13) on a real hub: a record stored with
/// <c>PUT /api/catalog/services/{service}</c> shows its run book and DR category on the incident and in its mails,
/// and its tier managers take a bug report's hand-off.
/// </summary>
public sealed class IncidentCatalogTests
{
    private const string RunBook = "https://runbooks.example.org/ledger";
    private const string DrCategory = "A: restore within 4 hours";

    [Fact]
    public async Task Open_CataloguedService_IncidentApiAndPagingMailShowRunBookAndDrCategory()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        HttpResponseMessage stored = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger());
        HttpResponseMessage plain = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "ProductionDefect", subject = "Ledger slow", body = "slow" });
        long byNumber = await NumberOf(plain);

        // An Urgent ticket opens its incident through the work queue; an operator opens one of an existing ticket directly.
        long fromTicket = await IncidentApiTests.TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Ledger down", service = "Ledger" }));
        HttpResponseMessage opened = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { ticket = byNumber, service = "ledger" });
        HttpResponseMessage unknown = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Payroll down", service = "payroll" });
        long uncatalogued = await IncidentApiTests.TicketOf(unknown);
        await IncidentApiTests.WaitForAsync(hub, fromTicket, s => s.Exists, TimeSpan.FromSeconds(10));
        await IncidentApiTests.WaitForAsync(hub, uncatalogued, s => s.Exists, TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        // The catalog is looked up case-insensitively; the mail names the service as the incident does.
        foreach ((long ticket, string service) in new[] { (fromTicket, "Ledger"), (byNumber, "ledger") })
        {
            using JsonDocument detail = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, $"/api/incidents/{ticket}", ReaderKey)).Content.ReadAsStringAsync());
            JsonElement incident = detail.RootElement.GetProperty("incident");
            Assert.Equal((RunBook, DrCategory), (incident.GetProperty("runBookUrl").GetString(), incident.GetProperty("drCategory").GetString()));
            JsonElement page = Assert.Single(await OutboxMailsAsync(hub, ticket, "incident-page", 1));
            Assert.Equal(["alice@example.org"], page.GetProperty("message").GetProperty("to").EnumerateArray().Select(a => a.GetString()));
            string text = page.GetProperty("message").GetProperty("text").GetString()!;
            Assert.Contains($"Run book ({service}): {RunBook}", text, StringComparison.Ordinal);
            Assert.Contains($"DR category ({service}): {DrCategory}", text, StringComparison.Ordinal);
        }

        // A service the catalog does not know adds nothing and is no error.
        using JsonDocument plainDetail = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, $"/api/incidents/{uncatalogued}", ReaderKey)).Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Null, plainDetail.RootElement.GetProperty("incident").GetProperty("runBookUrl").ValueKind);
        JsonElement plainPage = Assert.Single(await OutboxMailsAsync(hub, uncatalogued, "incident-page", 1));
        Assert.DoesNotContain("Run book", plainPage.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOff_CataloguedServiceNamesTierManagers_MailsTheRecordsManagersAndTransfers()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        Dictionary<string, string?> settings = Settings(Write(rtUrl: rt.BaseAddress));
        settings["Hub__Connectors__RtToken"] = FakeRt.Token;
        await using TestHub hub = await TestHub.StartAsync(settings);
        HttpResponseMessage stored = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/ledger", OperatorKey, Ledger());
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "ProductionDefect", subject = "Ledger rounds wrongly", body = "Totals are off by a cent.",
            customFields = new Dictionary<string, string> { ["Classification"] = "BugReport", ["Service"] = "ledger" },
        });
        long ticket = await NumberOf(created);

        HttpResponseMessage handOff = await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{ticket}/hand-off", OperatorKey, new { team = "Ledger-Team", tier = "PROD" });
        IncidentState done = await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(HttpStatusCode.OK, handOff.StatusCode);
        Assert.Equal("Ledger-Team", Assert.Single(rt.Tickets).Queue);
        Assert.Equal(["ledger-prod-lead@example.org"], done.HandOff!.TierManagers);
        Assert.Equal("ledger", done.Service);
        JsonElement managers = Assert.Single(await OutboxMailsAsync(hub, ticket, "handoff-managers", 1));
        // Not prod-manager@example.org, whom incidents.tierManagers names for PROD.
        Assert.Equal(["ledger-prod-lead@example.org"], managers.GetProperty("message").GetProperty("to").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("tier managers from the catalog record of ledger", managers.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static object Ledger() => new
    {
        name = "ledger",
        startupRank = 30,
        owners = new[] { "ledger-owners@example.org" },
        runBookUrl = RunBook,
        drCategory = DrCategory,
        tiers = new[]
        {
            new
            {
                name = "PROD",
                managers = new[] { "ledger-prod-lead@example.org" },
                agentUrl = "https://agents.example.org/ledger",
                nodes = new[] { new { name = "ledger-1", serverTier = "App" } },
            },
        },
    };

    private static async Task<long> NumberOf(HttpResponseMessage created)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("number").GetInt64();
    }

    /// <summary>The outbox blobs of ticket N's mails of <paramref name="kind"/>, waiting up to 10 s for <paramref name="atLeast"/>.</summary>
    private static async Task<IReadOnlyList<JsonElement>> OutboxMailsAsync(TestHub hub, long ticket, string kind, int atLeast)
    {
        var outbox = (await Azurite.SharedAsync()).Account().GetBlobContainerClient(
            hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>().OutboxContainer);
        var mails = new List<JsonElement>();
        await HubState.WaitUntilAsync(async () =>
        {
            mails.Clear();
            await foreach (Azure.Storage.Blobs.Models.BlobItem blob in outbox.GetBlobsAsync())
            {
                using JsonDocument mail = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync())!.ToString());
                JsonElement m = mail.RootElement.GetProperty("mail");
                if (m.GetProperty("number").GetInt64() == ticket && m.GetProperty("kind").GetString() == kind)
                {
                    mails.Add(mail.RootElement.Clone());
                }
            }

            return mails.Count >= atLeast;
        }, TimeSpan.FromSeconds(10));
        return mails;
    }
}
