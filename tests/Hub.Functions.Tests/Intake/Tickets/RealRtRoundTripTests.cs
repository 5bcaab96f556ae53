using System.Text;
using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Intake.Tickets;

/// <summary>
/// RT to hub and back on a real RT 5 and a real hub: the scrip connectors/rt/hub-setup.pl installs posts a person's
/// changes, signed per Standard Webhooks; the hub's sync-back, made as the hub's own RT user, is not posted back.
/// </summary>
public sealed class RealRtRoundTripTests
{
    // whsec_ + base64("rt-round-trip-secret-0123").
    private const string Secret = "whsec_cnQtcm91bmQtdHJpcC1zZWNyZXQtMDEyMw==";

    [Fact]
    public async Task RtChange_ReachesTheHub_WhoseSyncBackReachesRt_WithNoEchoBack()
    {
        RealRt rt = await RealRt.SharedAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        await using TestHub hub = await StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Config"] = ConfigPath(Config(rt)),
            ["Hub__Connectors__RtToken"] = rt.HubToken,
            ["Hub__Secrets__RtWebhookSecret"] = Secret,
        });
        string secretFile = Path.Combine(rt.Directory, $"hook-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secretFile, Secret);
        await rt.SetupAsync("--release-queue", RealRt.ReleaseQueue, "--hook-url", new Uri(hub.BaseAddress, "/api/hooks/tickets/rt").AbsoluteUri,
            "--hook-secret-file", secretFile);
        // A package that does not match its checksum: the release fails on its first move, and RT is told.
        string dist = "rt" + Guid.NewGuid().ToString("N")[..8];
        sync.Files[$"{dist}/release.xml"] = Encoding.UTF8.GetBytes(Xml("1.2.3", "umd-" + dist, new Dictionary<string, byte[]> { ["baz.rpm"] = Encoding.UTF8.GetBytes("baz rpm") }, dist: dist));
        sync.Files[$"{dist}/baz.rpm"] = Encoding.UTF8.GetBytes("tampered");

        (int createdStatus, JsonElement created) = await rt.SendAsync(HttpMethod.Post, "ticket", JsonSerializer.Serialize(new
        {
            Queue = RealRt.ReleaseQueue, Subject = "Baz 1.2.3", Requestor = new[] { "baz-dev@vendor.example" },
            CustomFields = new Dictionary<string, string> { ["ReleaseXml"] = $"{sync.BaseAddress}{dist}/release.xml", ["SyncURL"] = $"{sync.BaseAddress}{dist}/" },
        }), rt.StaffToken);
        string id = created.GetProperty("id").GetString()!;
        long number = await MappedTicketAsync(hub, id);
        (int movedStatus, JsonElement moved) = await rt.SendAsync(HttpMethod.Put, $"ticket/{id}", """{"CustomFields":{"RolloutProgress":"Unverified"}}""", rt.StaffToken);
        ReleaseState release = await WaitForAsync(hub, number, r => r.SyncBack.Count(c => c.Succeeded) == 2);
        await HubState.WaitForIdleAsync(hub, TimeSpan.FromSeconds(60));

        Assert.Equal((201, 200), (createdStatus, movedStatus));
        Assert.Equal(["RolloutProgress Unverified added"], moved.EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(RolloutProgress.Failed, release.Progress);
        Assert.Equal(new ReleaseExternalRef("rt", id, $"{rt.BaseAddress}Ticket/Display.html?id={id}"), release.ExternalRef);
        JsonElement ticket = await rt.TicketAsync(id);
        Assert.Equal("open", ticket.GetProperty("Status").GetString());
        Assert.Equal(["Failed"], ticket.GetProperty("CustomFields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "RolloutProgress").GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        // As the staff user: the hub's own user has no ShowTicketComments, which it does not need.
        JsonElement history = await rt.GetAsync($"ticket/{id}/history?fields=Type,Creator&per_page=100", rt.StaffToken);
        Assert.True(history.GetProperty("items").EnumerateArray().Any(t => t.GetProperty("Type").GetString() == "Comment" && t.GetProperty("Creator").GetProperty("id").GetString() == RealRt.HubUser), history.ToString());
        // The hub heard the person's two changes and nothing of its own: the sync-back's RolloutProgress change came
        // back as no event (an echo would be a third, Unverified -> Failed).
        IReadOnlyList<EventRecord> heard = await ExternalHistoryAsync(hub, id);
        Assert.Equal([nameof(ExternalTicketOpened), nameof(ReleaseTransitionRecorded)], heard.Select(e => e.Type));
        Assert.Equal("0", (await rt.PerlAsync("my $a = $RT::System->FirstAttribute('HubWebhookPending'); print scalar @{ $a ? $a->Content : [] };")).Trim());
    }

    [Fact]
    public async Task HubDown_ThePostIsKept_AndTheRetryDeliversItOnceTheHubIsUp()
    {
        RealRt rt = await RealRt.SharedAsync();
        int port = Azurite.FreePort();
        string secretFile = Path.Combine(rt.Directory, $"hook-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secretFile, Secret);
        await rt.SetupAsync("--release-queue", RealRt.ReleaseQueue, "--hook-url", $"http://127.0.0.1:{port}/api/hooks/tickets/rt", "--hook-secret-file", secretFile);
        const string pending = "my $a = $RT::System->FirstAttribute('HubWebhookPending'); print scalar @{ $a ? $a->Content : [] };";

        (int status, JsonElement created) = await rt.SendAsync(HttpMethod.Post, "ticket",
            JsonSerializer.Serialize(new { Queue = RealRt.ReleaseQueue, Subject = "Qux 2.0.0", Requestor = new[] { "qux-dev@vendor.example" } }), rt.StaffToken);
        string keptWhileDown = (await rt.PerlAsync(pending)).Trim();
        await using TestHub hub = await StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Config"] = ConfigPath(Config(rt)),
            ["Hub__Connectors__RtToken"] = rt.HubToken,
            ["Hub__Secrets__RtWebhookSecret"] = Secret,
            ["Hub__Urls"] = $"http://127.0.0.1:{port}",
        });
        string retried = await rt.SetupAsync("--retry-hooks");
        string id = created.GetProperty("id").GetString()!;
        long number = await MappedTicketAsync(hub, id);

        Assert.Equal((201, "1"), (status, keptWhileDown));
        Assert.Contains("hook: 1 pending posts delivered, 0 still pending", retried, StringComparison.Ordinal);
        Assert.True(number > 0);
        Assert.Equal("0", (await rt.PerlAsync(pending)).Trim());
    }

    private static string Config(RealRt rt)
    {
        string config = ConfigText()
            .Replace("url: \"https://rt.example.org\"", $"url: \"{rt.BaseAddress}\"", StringComparison.Ordinal)
            .Replace("syncBack: { rt: [rt, tickets-webhook] }", "syncBack: { rt: [rt] }", StringComparison.Ordinal)
            .Replace("    auth: github-signature\n", "    auth: standard-webhooks\n", StringComparison.Ordinal);
        Assert.Contains("auth: standard-webhooks\n    secretSettings: [Hub__Secrets__RtWebhookSecret", config, StringComparison.Ordinal);
        return config;
    }

    /// <summary>The hub ticket the RT ticket is mapped to, once the scrip's <c>created</c> has been applied.</summary>
    private static async Task<long> MappedTicketAsync(TestHub hub, string id)
    {
        var refs = hub.App.Services.GetRequiredService<AggregateProcessor<ExternalTicketState, ExternalTicketCommand, ExternalTicketEvent>>();
        long number = 0;
        await HubState.WaitUntilAsync(async () =>
        {
            number = (await refs.GetAsync(ExternalTicketDecider.IdOf("rt", id)))?.State.Ticket ?? 0;
            return number > 0;
        }, TimeSpan.FromSeconds(30));
        await HubState.WaitForEffectsAsync(hub);
        return number;
    }

    private static async Task<IReadOnlyList<EventRecord>> ExternalHistoryAsync(TestHub hub, string id) =>
        await hub.App.Services.GetRequiredService<AggregateProcessor<ExternalTicketState, ExternalTicketCommand, ExternalTicketEvent>>()
            .AllHistoryAsync(ExternalTicketDecider.IdOf("rt", id));

    private static async Task<ReleaseState> WaitForAsync(TestHub hub, long number, Func<ReleaseState, bool> condition)
    {
        ReleaseState? state = null;
        await HubState.WaitUntilAsync(async () =>
        {
            state = await ReleaseAsync(hub, number);
            return condition(state);
        }, TimeSpan.FromSeconds(60));
        return state!;
    }
}
