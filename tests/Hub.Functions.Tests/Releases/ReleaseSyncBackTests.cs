using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>
/// Sync back through the RT REST2 connector, against a local RT server implementing the documented endpoints: a
/// release from RT resolves (Status, RolloutProgress field, comment) or fails (comment), and every outcome, failures
/// included, is visible on the release.
/// </summary>
public sealed class ReleaseSyncBackTests
{
    private const string HookSecret = "rt-sync-back-webhook-secret";
    private static readonly byte[] Rpm = Encoding.UTF8.GetBytes("sync-back rpm");

    [Fact]
    public async Task Production_ReleaseFromRt_UpdatesStatusAndRolloutProgressAndComments()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        await using TestHub hub = await StartAsync(await SettingsAsync(rt));
        RtTicket external = rt.Seed("sw-rel", "Baz 1.2.3");
        long id = await FromRtAsync(hub, sync, external.Id, Rpm);

        await MoveAsync(hub, id, "Unverified", ProviderKey);
        await MoveAsync(hub, id, "InVerification", QcKey);
        await MoveAsync(hub, id, "StageRollout", QcKey);
        await MoveAsync(hub, id, "Production", SrKey);

        RtTicket ticket = rt.Ticket(external.Id)!;
        Assert.Equal("resolved", ticket.Status);
        Assert.Equal("Production", ticket.CustomFields["RolloutProgress"]);
        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Contains("/sw/production/", release.RepositoryUrl, StringComparison.Ordinal);
        Assert.Equal($"Release Baz 1.2.3 is Production. Repository: {release.RepositoryUrl}", Assert.Single(ticket.Comments));
        RtRequest update = rt.Requests.Single(r => r.Method == "PUT");
        Assert.Equal(($"/REST/2.0/ticket/{external.Id}", "token " + FakeRt.Token), (update.Path, update.Authorization));
        using JsonDocument body = JsonDocument.Parse(update.Body);
        Assert.Equal("resolved", body.RootElement.GetProperty("Status").GetString());
        Assert.Equal([("update", true), ("comment", true)], release.SyncBack.Select(c => (c.Operation, c.Succeeded)));
        Assert.All(release.SyncBack, c => Assert.Equal("rt", c.Connector));
    }

    [Fact]
    public async Task Failed_RtDownThenUnknownTicket_FailuresVisibleOnTheRelease()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        await using TestHub hub = await StartAsync(await SettingsAsync(rt));
        long id = await FromRtAsync(hub, sync, "9999", Rpm, tamper: true);
        rt.FailNext(503, times: 1, "maintenance");

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Failed, release.Progress);
        // The update met RT down (transient: will be retried by the sweeper), the comment an unknown ticket (permanent).
        SyncBackCall update = release.SyncBack.First(c => c.Operation == "update");
        Assert.Equal((false, true), (update.Succeeded, update.WillRetry));
        Assert.Contains("503", update.Error, StringComparison.Ordinal);
        SyncBackCall comment = release.SyncBack.Single(c => c.Operation == "comment");
        Assert.Equal((false, false), (comment.Succeeded, comment.WillRetry));
        Assert.Contains("Resource does not exist", comment.Error, StringComparison.Ordinal);
        RtRequest sent = rt.Requests.Single(r => r.Path.EndsWith("/comment", StringComparison.Ordinal));
        Assert.Contains("failed in Unverified", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncBack_RtDownPastTheGiveUpTime_GivenUpOnceVisibleOnTheReleaseAndMarkedFailed()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        Dictionary<string, string?> settings = await SettingsAsync(rt);
        settings["Hub__EffectGiveUpAfter"] = "00:00:04";
        await using TestHub hub = await StartAsync(settings);
        // The package is tampered with, so the move fails the release, which RT is told of (an update and a comment).
        RtTicket external = rt.Seed("sw-rel", "Baz 1.2.3");
        long id = await FromRtAsync(hub, sync, external.Id, Rpm, tamper: true);
        rt.FailNext(503, times: 10_000, "maintenance", method: "PUT");

        await MoveAsync(hub, id, "Unverified", ProviderKey);
        await HubState.WaitUntilAsync(
            async () => (await ReleaseAsync(hub, id)).SyncBack.Any(c => c.Operation == "update" && !c.WillRetry), TimeSpan.FromSeconds(60));
        await HubState.WaitForIdleAsync(hub);

        ReleaseState release = await ReleaseAsync(hub, id);
        SyncBackCall[] updates = [.. release.SyncBack.Where(c => c.Operation == "update")];
        Assert.Equal([(false, true), (false, false)], updates.Select(c => (c.Succeeded, c.WillRetry)));
        Assert.StartsWith("given up after retrying: ", updates[1].Error, StringComparison.Ordinal);
        Assert.Contains("503", updates[1].Error, StringComparison.Ordinal);
        OutboxRecord failed = Assert.Single(
            await hub.App.Services.GetRequiredService<AggregateStore>().OutboxAsync(ReleasePartition(id)), r => r.Kind == Hub.Domain.Connectors.ConnectorCall.EffectKind);
        Assert.NotNull(failed.FailedAt);
        Assert.True(rt.Requests.Count(r => r.Method == "PUT") >= 2, "the update was tried more than once before it was given up");
    }

    private static string ReleasePartition(long id) =>
        $"{ReleaseDecider.AggregateKind}:{TableKey.Escape(ReleaseDecider.IdOf(id))}";

    private static async Task<Dictionary<string, string?>> SettingsAsync(FakeRt rt)
    {
        string config = ConfigText();
        config = config
            .Replace("url: \"https://rt.example.org\", secretSetting: Hub__Connectors__RtToken }", $"url: \"{rt.BaseAddress}\", secretSetting: Hub__Connectors__RtToken, maxRetries: 0 }}", StringComparison.Ordinal)
            .Replace("syncBack: { rt: [rt, tickets-webhook] }", "syncBack: { rt: [rt] }", StringComparison.Ordinal);
        Assert.Contains(rt.BaseAddress.ToString(), config, StringComparison.Ordinal);
        string path = Path.Combine(Path.GetTempPath(), $"hub-syncback-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, config);
        return new Dictionary<string, string?>
        {
            ["Hub__Config"] = path,
            ["Hub__Connectors__RtToken"] = FakeRt.Token,
            ["Hub__Secrets__RtWebhookSecret"] = HookSecret,
            ["Hub__Secrets__RtWebhookSecretNext"] = HookSecret + "-next",
        };
    }

    /// <summary>RT opens the release (queue sw-rel); release.xml and the package are on the provider's Sync-URL.</summary>
    private static async Task<long> FromRtAsync(TestHub hub, FakeSyncServer sync, string rtId, byte[] rpm, bool tamper = false)
    {
        string dist = "s" + Guid.NewGuid().ToString("N")[..8];
        sync.Files[$"{dist}/release.xml"] = Encoding.UTF8.GetBytes(Xml("1.2.3", "umd-" + dist, new Dictionary<string, byte[]> { ["baz.rpm"] = rpm }, dist: dist));
        sync.Files[$"{dist}/baz.rpm"] = tamper ? Encoding.UTF8.GetBytes("tampered") : rpm;
        string created = $$$$"""
            {"event":"created","deliveryId":"c-{{{{rtId}}}}-{{{{dist}}}}","ticket":{"id":"{{{{rtId}}}}","url":"https://rt.example.org/Ticket/Display.html?id={{{{rtId}}}}","queue":"sw-rel",
             "subject":"Baz 1.2.3","status":"Submitted","requestors":["baz-dev@vendor.example"],
             "customFields":{"ReleaseXml":"{{{{sync.BaseAddress}}}}{{{{dist}}}}/release.xml","SyncURL":"{{{{sync.BaseAddress}}}}{{{{dist}}}}/"}}}
            """;
        byte[] body = Encoding.UTF8.GetBytes(created);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/tickets/rt") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HookSecret), body)));
        HttpResponseMessage response = await hub.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await HubState.WaitForEffectsAsync(hub);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("ticket").GetInt64();
    }
}
