using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Tests.Incidents;
using Hub.Functions.Tests.Releases;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Durable;

/// <summary>
/// Issue 11, "what it must show": with the ticket system's server hanging (accepting requests, never answering), a
/// release transition and a hand-off are answered at once, and the sync-back and the hand-off complete, once each,
/// when the server answers again.
/// </summary>
public sealed class HangingConnectorTests(ITestOutputHelper output)
{
    private const string HookSecret = "rt-hanging-webhook-secret";

    [Fact]
    public async Task TransitionAndHandOff_RtHanging_AnsweredAtOnceAndCompletedOnceWhenRtAnswersAgain()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        await using TestHub hub = await TestHub.StartAsync(SettingsFor(rt));
        RtTicket external = rt.Seed("sw-rel", "Baz 1.2.3");
        long release = await ReleaseFromRtAsync(hub, sync, external.Id);
        long bugReport = await BugReportAsync(hub);

        // A first request on a route in a fresh process pays for JIT: refused ones (nothing committed) pay it here.
        using (HttpResponseMessage refused = await PostAsync(hub, $"/api/releases/{release}/transitions", ReleaseKit.SrKey, new { to = "Production" }))
        using (HttpResponseMessage invalid = await PostAsync(hub, $"/api/incidents/{bugReport}/hand-off", OperatorKey, new { team = " " }))
        {
            Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity), (refused.StatusCode, invalid.StatusCode));
        }

        int before = rt.Requests.Count;
        rt.Hanging = true;
        var clock = Stopwatch.StartNew();
        using HttpResponseMessage ignored = await PostAsync(hub, $"/api/releases/{release}/transitions", ReleaseKit.SrKey, new { to = "Ignored", reason = "superseded" });
        TimeSpan transitionAnswer = clock.Elapsed;
        clock.Restart();
        using HttpResponseMessage handOff = await PostAsync(hub, $"/api/incidents/{bugReport}/hand-off", OperatorKey, new { team = "Archive-Team", tier = "PROD" });
        TimeSpan handOffAnswer = clock.Elapsed;
        // RT is asked (and hangs, and the hub gives up on the call) before it answers again.
        string releaseTicket = $"/REST/2.0/ticket/{external.Id}";
        await HubState.WaitUntilAsync(() => Task.FromResult(
            rt.Requests.Skip(before).Any(r => r.Path == releaseTicket) && rt.Requests.Skip(before).Any(r => r.Path != releaseTicket)), TimeSpan.FromSeconds(30));
        ReleaseState whileHanging = await ReadReleaseAsync(hub, release);
        IncidentState handingOff = await IncidentApiTests.ReadAsync(hub, bugReport);
        rt.Hanging = false;
        clock.Restart();
        ReleaseState synced = await WaitForReleaseAsync(hub, release, r => r.SyncBack.Count(c => c.Succeeded) == 2);
        IncidentState handedOff = await IncidentApiTests.WaitForAsync(hub, bugReport, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(60));
        TimeSpan completedAfter = clock.Elapsed;
        await HubState.WaitForIdleAsync(hub, TimeSpan.FromSeconds(60));
        ReleaseState after = await ReadReleaseAsync(hub, release);
        output.WriteLine($"transition answered in {transitionAnswer.TotalMilliseconds:0} ms, hand-off in {handOffAnswer.TotalMilliseconds:0} ms; "
            + $"{rt.Requests.Count - before} RT requests in all, {after.SyncBack.Count(c => !c.Succeeded)} failed sync-back calls recorded; both done {completedAfter} after RT answered again");

        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        Assert.Equal(HttpStatusCode.OK, handOff.StatusCode);
        Assert.True(transitionAnswer < TimeSpan.FromSeconds(2), $"the transition was answered after {transitionAnswer}");
        Assert.True(handOffAnswer < TimeSpan.FromSeconds(2), $"the hand-off was answered after {handOffAnswer}");
        Assert.Equal(RolloutProgress.Ignored, whileHanging.Progress);
        Assert.DoesNotContain(whileHanging.SyncBack, c => c.Succeeded);
        Assert.Equal(IncidentStatus.HandingOff, handingOff.Status);
        // Exactly once on RT: one update and one comment on the release's ticket, one ticket for the hand-off.
        RtTicket syncedTicket = rt.Ticket(external.Id)!;
        Assert.Equal("resolved", syncedTicket.Status);
        Assert.Equal("Ignored", syncedTicket.CustomFields["RolloutProgress"]);
        Assert.Equal(["Release Baz 1.2.3 is Ignored: superseded."], syncedTicket.Comments);
        Assert.Equal([("comment", true), ("update", true)], after.SyncBack.Where(c => c.Succeeded).Select(c => (c.Operation, c.Succeeded)).Order());
        RtTicket transferred = Assert.Single(rt.Tickets, t => t.Queue == "Archive-Team");
        Assert.Equal($"[hub #{bugReport}] Export truncates CSV", transferred.Subject);
        Assert.Equal(transferred.Id, handedOff.HandOff!.ExternalId);
        Assert.Equal(2, rt.Tickets.Count);
        Assert.Equal(synced.SyncBack.Count(c => c.Succeeded), after.SyncBack.Count(c => c.Succeeded));
    }

    private static Dictionary<string, string?> SettingsFor(FakeRt rt)
    {
        string path = Write(rtUrl: rt.BaseAddress);
        string config = File.ReadAllText(path);
        // RT gets two seconds per call and no retries of its own: the hub's durable retry (1 s, then up to 5 s) retries.
        string changed = config
            .Replace("secretSetting: Hub__Connectors__RtToken }", "secretSetting: Hub__Connectors__RtToken, timeoutSeconds: 2, maxRetries: 0 }", StringComparison.Ordinal)
            .Replace("syncBack: { rt: [rt, tickets-webhook] }", "syncBack: { rt: [rt] }", StringComparison.Ordinal)
            .Replace("allowedHosts: []", "allowedHosts: [127.0.0.1]", StringComparison.Ordinal);
        Assert.Contains("timeoutSeconds: 2", changed, StringComparison.Ordinal);
        Assert.Contains("syncBack: { rt: [rt] }", changed, StringComparison.Ordinal);
        File.WriteAllText(path, changed);
        Dictionary<string, string?> settings = Settings(path);
        settings["Hub__Connectors__RtToken"] = FakeRt.Token;
        settings["Hub__Secrets__RtWebhookSecret"] = HookSecret;
        settings["Hub__Secrets__RtWebhookSecretNext"] = HookSecret + "-next";
        settings["Hub__PublicUrl"] = "https://hub.example.org";
        // The shipped configuration names this caller as the SR team.
        settings["Hub__ApiKeys__sw-rel-sr-team"] = $"operator:{ReleaseKit.SrKey}";
        return settings;
    }

    /// <summary>RT opens the release (queue sw-rel) through its webhook; release.xml and the package are on a Sync-URL.</summary>
    private static async Task<long> ReleaseFromRtAsync(TestHub hub, FakeSyncServer sync, string rtId)
    {
        string dist = "h" + Guid.NewGuid().ToString("N")[..8];
        byte[] rpm = Encoding.UTF8.GetBytes("hanging rpm");
        sync.Files[$"{dist}/release.xml"] = Encoding.UTF8.GetBytes(ReleaseKit.Xml("1.2.3", "umd-" + dist, new Dictionary<string, byte[]> { ["baz.rpm"] = rpm }, dist: dist));
        sync.Files[$"{dist}/baz.rpm"] = rpm;
        string created = $$$$"""
            {"event":"created","deliveryId":"c-{{{{rtId}}}}-{{{{dist}}}}","ticket":{"id":"{{{{rtId}}}}","url":"https://rt.example.org/Ticket/Display.html?id={{{{rtId}}}}","queue":"sw-rel",
             "subject":"Baz 1.2.3","status":"Submitted","requestors":["baz-dev@vendor.example"],
             "customFields":{"ReleaseXml":"{{{{sync.BaseAddress}}}}{{{{dist}}}}/release.xml","SyncURL":"{{{{sync.BaseAddress}}}}{{{{dist}}}}/"}}}
            """;
        byte[] body = Encoding.UTF8.GetBytes(created);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/tickets/rt") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HookSecret), body)));
        using HttpResponseMessage response = await hub.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        long id = answer.RootElement.GetProperty("ticket").GetInt64();
        await WaitForReleaseAsync(hub, id, r => r.Exists);
        await HubState.WaitForIdleAsync(hub);
        return id;
    }

    private static async Task<long> BugReportAsync(TestHub hub)
    {
        using HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "ProductionDefect", subject = "Export truncates CSV", body = "Rows after 65,536 are lost.", requestors = new[] { "analyst@example.com" },
            customFields = new Dictionary<string, string> { ["Classification"] = "BugReport" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument ticket = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        long number = ticket.RootElement.GetProperty("number").GetInt64();
        await HubState.WaitForIdleAsync(hub);
        return number;
    }

    private static async Task<HttpResponseMessage> PostAsync(TestHub hub, string path, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        return await hub.Client.SendAsync(request);
    }

    private static async Task<ReleaseState> ReadReleaseAsync(TestHub hub, long id) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>>().GetAsync(ReleaseDecider.IdOf(id)))?.State ?? new ReleaseState();

    private static async Task<ReleaseState> WaitForReleaseAsync(TestHub hub, long id, Func<ReleaseState, bool> condition)
    {
        ReleaseState state = new();
        await HubState.WaitUntilAsync(async () => condition(state = await ReadReleaseAsync(hub, id)), TimeSpan.FromSeconds(60));
        return state;
    }
}
