using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Domain.Tickets;
using Hub.Functions.Releases;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>A release through the whole workflow on a real hub: API, ticket, repository areas, notifications.</summary>
public sealed class ReleaseLifecycleTests
{
    private static readonly byte[] Server = Encoding.UTF8.GetBytes("foo-server rpm bytes");
    private static readonly byte[] Client = Encoding.UTF8.GetBytes("foo-client rpm, a little longer");

    [Fact]
    public async Task Release_SubmittedToProduction_MovesArtifactsThroughTheAreasTicketAndMailsFollow()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        string dist = "foo" + Guid.NewGuid().ToString("N")[..8];
        sync.Files["rpms/foo-server.rpm"] = Server;
        long id = await CreateAsync(hub, sync.BaseAddress);
        HttpResponseMessage metadata = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey,
            Xml("2.1.0", "umd-4", new Dictionary<string, byte[]> { ["rpms/foo-server.rpm"] = Server, ["rpms/foo-client.rpm"] = Client }, dist: dist));
        HttpResponseMessage uploaded = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=rpms/foo-client.rpm", ProviderKey, Client);

        await MoveAsync(hub, id, "Unverified", ProviderKey);
        ReleaseState unverified = await ReleaseAsync(hub, id);
        IReadOnlyList<string> unverifiedBlobs = await BlobsAsync(hub, $"sw/unverified/{dist}/2.1.0/");
        await MoveAsync(hub, id, "InVerification", QcKey);
        await MoveAsync(hub, id, "StageRollout", QcKey);
        ReleaseState staged = await ReleaseAsync(hub, id);
        await MoveAsync(hub, id, "Production", SrKey);
        ReleaseState production = await ReleaseAsync(hub, id);

        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.EndsWith($"/sw/unverified/{dist}/2.1.0/", unverified.RepositoryUrl, StringComparison.Ordinal);
        Assert.Equal([$"sw/unverified/{dist}/2.1.0/rpms/foo-client.rpm", $"sw/unverified/{dist}/2.1.0/rpms/foo-server.rpm"], unverifiedBlobs.Order(StringComparer.Ordinal));
        Assert.Equal(["rpms/foo-server.rpm"], sync.Requests.ToArray());
        Assert.True(unverified.MetadataFrozen);
        Assert.EndsWith($"/sw/stagerollout/{dist}/2.1.0/", staged.RepositoryUrl, StringComparison.Ordinal);
        Assert.Equal(RolloutProgress.Production, production.Progress);
        Assert.Equal("resolved", production.Status);
        Assert.EndsWith($"/sw/production/umd-4/updates/{dist}/2.1.0/", production.RepositoryUrl, StringComparison.Ordinal);
        Assert.Equal(2, (await BlobsAsync(hub, $"sw/production/umd-4/updates/{dist}/2.1.0/")).Count);
        Assert.Empty(await BlobsAsync(hub, $"sw/unverified/{dist}/"));
        Assert.Empty(await BlobsAsync(hub, $"sw/stagerollout/{dist}/"));
        TicketState ticket = await TicketAsync(hub, id);
        Assert.Equal(("sw-rel", "Production", "release-manager@example.org"), (ticket.Queue, ticket.Status, ticket.Owner));
        Assert.NotNull(ticket.ResolvedAt);
        IReadOnlyList<JsonElement> mails = await MailsAsync(hub, id);
        Assert.Equal(
            ["Submitted", "Submitted -> Unverified", "Unverified -> InVerification", "InVerification -> StageRollout", "StageRollout -> Production"],
            mails.Select(m => m.GetProperty("subject").GetString()![(m.GetProperty("subject").GetString()!.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
        Assert.Equal(["sw-rel-qc@example.org"], Strings(mails[1].GetProperty("to")));
        Assert.Equal(["qc-lead@example.org"], Strings(mails[2].GetProperty("to")));
        Assert.Equal(["sw-rel-sr@example.org", "ea-ibergrid@example.org", "ea-ngi-de@example.org", "ea-ngi-it@example.org"], Strings(mails[3].GetProperty("to")));
        Assert.Equal(["sw-rel-production@example.org", "provider@vendor.example", "release-manager@example.org"], Strings(mails[4].GetProperty("to")));
        Assert.All(mails, m => Assert.Equal(["sw-rel-admin@example.org"], Strings(m.GetProperty("bcc"))));
    }

    [Fact]
    public async Task Transition_NotInTheTable_Answers409NamingBothStates()
    {
        await using TestHub hub = await StartAsync();
        long id = await CreateAsync(hub, null);
        long other = await CreateAsync(hub, null);

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/transitions", AdminKey, new { to = "Production" });
        HttpResponseMessage reader = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/transitions", ReaderKey, new { to = "Unverified" });
        HttpResponseMessage srIgnores = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{other}/transitions", SrKey, new { to = "Ignored" });
        HttpResponseMessage closed = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{other}/transitions", ProviderKey, new { to = "Unverified" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("Submitted -> Production is not an allowed transition (DESIGN 5.2).", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, srIgnores.StatusCode); // the SR team may ignore an open release
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Contains("Ignored -> Unverified is not allowed", await closed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(RolloutProgress.Submitted, (await ReleaseAsync(hub, id)).Progress);
    }

    [Fact]
    public async Task Transition_SubmittedToUnverified_RefusedWithoutReleaseXmlAndWithoutEveryPackage()
    {
        await using TestHub hub = await StartAsync();
        long noXml = await CreateAsync(hub, null, title: "no xml");
        long noPackage = await CreateAsync(hub, null, title: "no package");
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{noPackage}/metadata", ProviderKey,
            Xml("3.0.0", "umd-4", new Dictionary<string, byte[]> { ["rpms/foo-server.rpm"] = Server }, dist: "p" + Guid.NewGuid().ToString("N")[..8]));

        HttpResponseMessage needsXml = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{noXml}/transitions", ProviderKey, new { to = "Unverified" });
        HttpResponseMessage needsPackages = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{noPackage}/transitions", ProviderKey, new { to = "Unverified" });

        Assert.Equal(HttpStatusCode.Conflict, needsXml.StatusCode);
        Assert.Contains($"Submitted -> Unverified needs release.xml: upload it with PUT /api/releases/{noXml}/metadata", await needsXml.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, needsPackages.StatusCode);
        Assert.Contains("Submitted -> Unverified needs every package: 'foo-server' (rpms/foo-server.rpm) was not uploaded", await needsPackages.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((RolloutProgress.Submitted, RolloutProgress.Submitted), ((await ReleaseAsync(hub, noXml)).Progress, (await ReleaseAsync(hub, noPackage)).Progress));
    }

    [Fact]
    public async Task Transition_WhileTheArtifactsAreBeingPlaced_WaitsForThem()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        sync.Files["rpms/foo-server.rpm"] = Server;
        sync.Delays["rpms/foo-server.rpm"] = TimeSpan.FromSeconds(5);
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey,
            Xml("3.1.0", "umd-4", new Dictionary<string, byte[]> { ["rpms/foo-server.rpm"] = Server }, dist: "w" + Guid.NewGuid().ToString("N")[..8]));

        Task<HttpResponseMessage> toUnverified = SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/transitions", ProviderKey, new { to = "Unverified" });
        // Once the hub asks the Sync-URL for the package, the placement is under way for the next 5 seconds.
        for (int i = 0; i < 750 && !sync.Requests.Contains("rpms/foo-server.rpm"); i++)
        {
            await Task.Delay(20);
        }

        ReleaseState placing = await ReleaseAsync(hub, id);
        HttpResponseMessage early = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/transitions", QcKey, new { to = "InVerification" });
        await toUnverified;

        Assert.Equal((RolloutProgress.Unverified, (RolloutProgress?)RolloutProgress.Unverified), (placing.Progress, placing.ArtifactsPendingFor));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("Unverified -> InVerification waits for the artifacts to reach the Unverified area first", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Rsync_Answers422NamingSyncProtocol()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, new
        {
            title = "Foo", syncProtocol = "rsync", syncUrl = "rsync://vendor.example/foo/",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        JsonElement error = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal("syncProtocol", error.GetProperty("field").GetString());
        Assert.StartsWith("rsync is not supported", error.GetProperty("rule").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ReleaseWithHistory_ShowsTimeInEachStateAndPausesSeparately()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using TestHub hub = await TestHub.StartAsync(
            await KeysAsync(), services => services.AddSingleton<TimeProvider>(clock));
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        sync.Files["rpms/foo-server.rpm"] = Server;
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("2.2.0", "umd-4", new Dictionary<string, byte[]> { ["rpms/foo-server.rpm"] = Server }, dist: "t" + Guid.NewGuid().ToString("N")[..8]));
        clock.Advance(TimeSpan.FromHours(1));
        await MoveAsync(hub, id, "Unverified", ProviderKey);
        clock.Advance(TimeSpan.FromHours(2));
        await MoveAsync(hub, id, "InVerification", QcKey);
        clock.Advance(TimeSpan.FromHours(3));
        await MoveAsync(hub, id, "WaitingForResponse", QcKey);
        clock.Advance(TimeSpan.FromHours(5));
        await MoveAsync(hub, id, "InVerification", QcKey);
        clock.Advance(TimeSpan.FromHours(1));

        HttpResponseMessage read = await SendAsync(hub, HttpMethod.Get, $"/api/releases/{id}", ReaderKey);

        using JsonDocument body = JsonDocument.Parse(await read.Content.ReadAsStringAsync());
        JsonElement seconds = body.RootElement.GetProperty("secondsInState");
        Assert.Equal(3600, seconds.GetProperty("Submitted").GetDouble());
        Assert.Equal(7200, seconds.GetProperty("Unverified").GetDouble());
        Assert.Equal(4 * 3600, seconds.GetProperty("InVerification").GetDouble());
        Assert.Equal(5 * 3600, seconds.GetProperty("WaitingForResponse").GetDouble());
        Assert.Equal(7 * 3600, body.RootElement.GetProperty("activeSeconds").GetDouble());
        Assert.Equal(5 * 3600, body.RootElement.GetProperty("pausedSeconds").GetDouble());
        Assert.Equal("open", body.RootElement.GetProperty("status").GetString());
        string[] moves = [.. body.RootElement.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("type").GetString() == "ProgressChanged").Select(h => h.GetProperty("toState").GetString()!)];
        Assert.Equal(["Unverified", "InVerification", "WaitingForResponse", "InVerification"], moves);
    }

    [Fact]
    public async Task List_FilterByStateAndMajorRelease_ReturnsOnlyMatches()
    {
        await using TestHub hub = await StartAsync();
        long first = await CreateAsync(hub, null, title: "one");
        long second = await CreateAsync(hub, null, title: "two");
        await MoveAsync(hub, second, "Ignored", QcKey);

        HttpResponseMessage submitted = await SendAsync(hub, HttpMethod.Get, "/api/releases?state=Submitted", ReaderKey);
        HttpResponseMessage ignored = await SendAsync(hub, HttpMethod.Get, "/api/releases?state=Ignored", ReaderKey);

        using JsonDocument a = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync());
        using JsonDocument b = JsonDocument.Parse(await ignored.Content.ReadAsStringAsync());
        Assert.Equal([first], a.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt64()));
        Assert.Equal([second], b.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt64()));
    }

    [Fact]
    public async Task List_StateOrPageSizeThatDoesNotParse_Is400NamingTheParameter()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage state = await SendAsync(hub, HttpMethod.Get, "/api/releases?state=submitted", ReaderKey);
        HttpResponseMessage size = await SendAsync(hub, HttpMethod.Get, "/api/releases?pageSize=ten", ReaderKey);
        HttpResponseMessage empty = await SendAsync(hub, HttpMethod.Get, "/api/releases?state=", ReaderKey);

        Assert.Equal(HttpStatusCode.BadRequest, state.StatusCode);
        Assert.Equal("state", await ErrorFieldAsync(state));
        Assert.Equal(HttpStatusCode.BadRequest, size.StatusCode);
        Assert.Equal("pageSize", await ErrorFieldAsync(size));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
    }

    [Fact]
    public async Task Transition_BodyNotJson_Is415()
    {
        await using TestHub hub = await StartAsync();
        long id = await CreateAsync(hub, null);

        HttpResponseMessage response = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/transitions", QcKey, "<to>Ignored</to>");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(RolloutProgress.Submitted, (await ReleaseAsync(hub, id)).Progress);
    }

    private static async Task<string?> ErrorFieldAsync(HttpResponseMessage response)
    {
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString();
    }

    internal static async Task<Dictionary<string, string?>> KeysAsync()
    {
        await Task.CompletedTask;
        return new Dictionary<string, string?>
        {
            ["Hub__ApiKeys__provider"] = $"integrator:{ProviderKey}",
            ["Hub__ApiKeys__sw-rel-qc-team"] = $"operator:{QcKey}",
            ["Hub__ApiKeys__sw-rel-sr-team"] = $"operator:{SrKey}",
            ["Hub__ApiKeys__ea-ibergrid"] = $"developer:{EarlyAdopterKey}",
            ["Hub__ApiKeys__rel-admin"] = $"app-admin:{AdminKey}",
            ["Hub__ApiKeys__rel-reader"] = $"logs-reader:{ReaderKey}",
            ["Hub__Config"] = ConfigPath(ConfigText()),
        };
    }
}
