using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Security;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hub.Functions.Tests.Sites;

/// <summary>
/// Issue #13, "what it must show": site runs on a real hub carried to the real reference agent, which controls real
/// local processes (one stand-in HTTP service per node, <see cref="SiteLab"/>).
/// </summary>
public sealed class SiteRunTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string[]> ThreeTier = new() { ["db"] = ["db-1"], ["app"] = ["app-1"], ["web"] = ["web-1"] };

    [Fact]
    public async Task StartStatusStop_ThreeServices_RunInRankOrderEachProbedAndMailTheirNotices()
    {
        await using SiteLab lab = await SiteLab.StartAsync(ThreeTier);
        await using TestHub hub = await TestHub.StartAsync(lab.HubSettings());
        // Listed out of rank order: the ranks order the run, not the list.
        await SiteLab.DefineAsync(hub.Client, "lab", [lab.Service("web", 30, "Web", "web-1"), lab.Service("db", 10, "Db", "db-1"), lab.Service("app", 20, "App", "app-1")], "web", "db", "app");

        JsonElement start = await SiteLab.RunAsync(hub.Client, "lab", new { command = "Start" });
        bool[] upAfterStart = [lab.IsUp("db-1"), lab.IsUp("app-1"), lab.IsUp("web-1")];
        JsonElement status = await SiteLab.RunAsync(hub.Client, "lab", new { command = "Status" });
        JsonElement stop = await SiteLab.RunAsync(hub.Client, "lab", new { command = "Stop" });
        bool[] upAfterStop = [lab.IsUp("db-1"), lab.IsUp("app-1"), lab.IsUp("web-1")];
        JsonElement statusStopped = await SiteLab.RunAsync(hub.Client, "lab", new { command = "Status", keepgoing = true });

        Assert.Equal("succeeded", SiteLab.Outcome(start));
        Assert.Equal(["start db-1 succeeded", "start app-1 succeeded", "start web-1 succeeded"], SiteLab.Steps(start));
        // Each start saw the ones before it answering and the ones after it not yet started.
        Assert.Equal(["db-1: app-1=down db-1=down web-1=down", "app-1: app-1=down db-1=up web-1=down", "web-1: app-1=up db-1=up web-1=down"], lab.Lines("starts.log"));
        Assert.Equal([true, true, true], upAfterStart);
        Assert.Contains("web-1 listening on", SiteLab.Output(start, "web-1", "start"), StringComparison.Ordinal);
        Assert.Equal(["status db-1 succeeded", "status app-1 succeeded", "status web-1 succeeded"], SiteLab.Steps(status));
        Assert.Contains("app-1 up on", SiteLab.Output(status, "app-1", "status"), StringComparison.Ordinal);
        Assert.Equal(["stop web-1 succeeded", "stop app-1 succeeded", "stop db-1 succeeded"], SiteLab.Steps(stop));
        Assert.Equal([false, false, false], upAfterStop);
        Assert.Equal("failed", SiteLab.Outcome(statusStopped));
        Assert.Equal(["status db-1 failed", "status app-1 failed", "status web-1 failed"], SiteLab.Steps(statusStopped));
        Assert.Contains("nothing answers", SiteLab.Output(statusStopped, "db-1", "status"), StringComparison.Ordinal);
        // Every step ran exactly once, in the order the runs listed them.
        string[] stepIds = [.. new[] { start, status, stop, statusStopped }.SelectMany(r => r.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("stepId").GetString()!))];
        Assert.Equal(stepIds, lab.Lines("steps.log"));

        IReadOnlyList<SiteMail> mails = await SiteMailsAsync(hub, 4);
        string node = hub.App.Services.GetRequiredService<Hub.Functions.Hosting.HubHostInfo>().InstanceId;
        Assert.Equal(
            [$"[Site:lab @ {node}] Start - SUCCESS", $"[Site:lab @ {node}] Status - SUCCESS", $"[Site:lab @ {node}] Stop - SUCCESS", $"[Site:lab @ {node}] Status - FAILURE"],
            mails.Select(m => m.Subject));
        Assert.All(mails, m => Assert.Equal(["lab-ops@example.org"], m.To));
        Assert.Contains("1. start db @ db-1 (LIVE): succeeded, exit 0", mails[0].Body, StringComparison.Ordinal);
        Assert.Contains("3 steps, 3 failed", mails[3].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AppFails_WithoutKeepgoingWebNeverStarts_WithKeepgoingEveryStepRunsAndTheServiceTicketCollectsBoth()
    {
        await using SiteLab lab = await SiteLab.StartAsync(ThreeTier);
        await using TestHub hub = await TestHub.StartAsync(lab.HubSettings());
        await SiteLab.DefineAsync(hub.Client, "lab", [lab.Service("db", 10, "Db", "db-1"), lab.Service("app", 20, "App", "app-1"), lab.Service("web", 30, "Web", "web-1")], "db", "app", "web");
        lab.Write("app-1.fail", "ledger.conf is missing");

        JsonElement halted = await SiteLab.RunAsync(hub.Client, "lab", new { command = "Start" });
        bool webUpAfterHalt = lab.IsUp("web-1");
        string[] startsAfterHalt = lab.Lines("starts.log");
        Assert.Equal("succeeded", SiteLab.Outcome(await SiteLab.RunAsync(hub.Client, "lab", new { command = "Stop", keepgoing = true })));
        JsonElement carriedOn = await SiteLab.RunAsync(hub.Client, "lab", new { command = "Start", keepgoing = true });

        Assert.Equal("failed", SiteLab.Outcome(halted));
        Assert.Equal(["start db-1 succeeded", "start app-1 failed", "start web-1 skipped"], SiteLab.Steps(halted));
        Assert.Contains("app-1 cannot start: ledger.conf is missing", SiteLab.Output(halted, "app-1", "start"), StringComparison.Ordinal);
        Assert.False(webUpAfterHalt);
        Assert.DoesNotContain(startsAfterHalt, l => l.StartsWith("web-1:", StringComparison.Ordinal));
        Assert.Equal("failed", SiteLab.Outcome(carriedOn));
        Assert.Equal(["start db-1 succeeded", "start app-1 failed", "start web-1 succeeded"], SiteLab.Steps(carriedOn));
        Assert.Equal(1, carriedOn.GetProperty("run").GetProperty("failed").GetInt32());
        Assert.True(lab.IsUp("web-1"));

        IReadOnlyList<SiteMail> mails = await SiteMailsAsync(hub, 3);
        Assert.Equal(["Start - FAILURE", "Stop - SUCCESS", "Start - FAILURE"], mails.Select(m => m.Subject[(m.Subject.IndexOf("] ", StringComparison.Ordinal) + 2)..]));
        Assert.Contains("2. start app @ app-1 (LIVE): failed, exit 1", mails[2].Body, StringComparison.Ordinal);
        Assert.Contains("   app-1 cannot start: ledger.conf is missing", mails[2].Body, StringComparison.Ordinal);
        Assert.Contains("3. start web @ web-1 (LIVE): skipped", mails[0].Body, StringComparison.Ordinal);

        // The first failure opened a ticket in ProductionDefect for app's owners; the second commented on it.
        JsonElement ticket = default;
        await HubState.WaitUntilAsync(async () =>
        {
            using JsonDocument list = JsonDocument.Parse(await (await SiteLab.SendAsync(hub, HttpMethod.Get, "/api/tickets?queue=ProductionDefect")).Content.ReadAsStringAsync());
            if (list.RootElement.GetProperty("items").EnumerateArray().ToList() is not [var only])
            {
                return false;
            }

            using JsonDocument read = JsonDocument.Parse(await (await SiteLab.SendAsync(hub, HttpMethod.Get, $"/api/tickets/{only.GetProperty("number").GetInt64()}")).Content.ReadAsStringAsync());
            ticket = read.RootElement.Clone();
            return ticket.GetRawText().Contains(carriedOn.GetProperty("run").GetProperty("runId").GetString()!, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30));
        string text = ticket.GetRawText();
        Assert.Contains("Start - FAILURE: app", text, StringComparison.Ordinal);
        Assert.Contains("app-owners@example.org", text, StringComparison.Ordinal);
        Assert.Contains(halted.GetProperty("run").GetProperty("runId").GetString()!, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollingUpdate_TwoAppAndTwoWebNodes_OneNodeAtATimeAndAWebNodeAnswersThroughout()
    {
        var nodes = new Dictionary<string, string[]> { ["app"] = ["app-1", "app-2"], ["web"] = ["web-1", "web-2"] };
        await using SiteLab lab = await SiteLab.StartAsync(nodes);
        await using TestHub hub = await TestHub.StartAsync(lab.HubSettings());
        await SiteLab.DefineAsync(hub.Client, "front", [lab.Service("web", 30, "Web", "web-1", "web-2"), lab.Service("app", 20, "App", "app-1", "app-2")], "web", "app");
        Assert.Equal("succeeded", SiteLab.Outcome(await SiteLab.RunAsync(hub.Client, "front", new { command = "Start" })));
        lab.Write("version", "2.0\n");

        // Probe both web nodes the whole time the update runs.
        using var probe = new HttpClient();
        var probes = new ConcurrentQueue<(bool Web1, bool Web2)>();
        using var stopProbing = new CancellationTokenSource();
        Task probing = Task.Run(async () =>
        {
            while (!stopProbing.IsCancellationRequested)
            {
                bool[] answered = await Task.WhenAll(lab.AnswersAsync(probe, "web-1"), lab.AnswersAsync(probe, "web-2"));
                probes.Enqueue((answered[0], answered[1]));
                await Task.Delay(20, CancellationToken.None);
            }
        });
        JsonElement update = await SiteLab.RunAsync(hub.Client, "front", new { command = "Update", strategy = "rolling", tier = "LIVE" });
        await stopProbing.CancelAsync();
        await probing;

        output.WriteLine($"{probes.Count} probes; web-1 down in {probes.Count(p => !p.Web1)}, web-2 down in {probes.Count(p => !p.Web2)}");
        Assert.Equal("succeeded", SiteLab.Outcome(update));
        string[] Node(string n) => [$"stop {n} succeeded", $"install {n} succeeded", $"configure {n} succeeded", $"start {n} succeeded"];
        Assert.Equal([.. Node("app-1"), .. Node("app-2"), .. Node("web-1"), .. Node("web-2")], SiteLab.Steps(update));
        Assert.All(new[] { "app-1", "app-2", "web-1", "web-2" }, n => Assert.Equal("2.0", lab.Lines(n + ".version").Single()));
        // The probe saw each web node down in its turn (so it could see an outage) and never both at once.
        Assert.Contains(probes, p => !p.Web1 && p.Web2);
        Assert.Contains(probes, p => p.Web1 && !p.Web2);
        Assert.DoesNotContain(probes, p => !p.Web1 && !p.Web2);
    }

    [Fact]
    public async Task Run_WhileAStepRuns_SecondCommandIs409UnsignedCallbackIs401AndCancelEndsItAfterTheStep()
    {
        // The agent answers 202 after half a second and posts the result: the slow start comes back by callback.
        await using SiteLab lab = await SiteLab.StartAsync(ThreeTier, answerWithin: TimeSpan.FromMilliseconds(500));
        await using TestHub hub = await TestHub.StartAsync(lab.HubSettings());
        await SiteLab.DefineAsync(hub.Client, "lab", [lab.Service("db", 10, "Db", "db-1"), lab.Service("app", 20, "App", "app-1"), lab.Service("web", 30, "Web", "web-1")], "db", "app", "web");
        lab.Write("app-1.slow", "4");

        string runId = await SiteLab.StartRunAsync(hub.Client, "lab", new { command = "Start" });
        await HubState.WaitUntilAsync(() => Task.FromResult(lab.Lines("starts.log").Any(l => l.StartsWith("app-1:", StringComparison.Ordinal))), TimeSpan.FromSeconds(30));
        HttpResponseMessage second = await SiteLab.SendAsync(hub, HttpMethod.Post, "/api/sites/lab/commands", new { command = "Stop" });
        JsonElement running = await SiteLab.ReadRunAsync(hub.Client, "lab", runId);
        string appStep = running.GetProperty("steps")[1].GetProperty("stepId").GetString()!;
        var forged = new { stepId = appStep, outcome = "failed", exitCode = 9, output = "forged", startedAt = DateTimeOffset.UtcNow, endedAt = DateTimeOffset.UtcNow };
        HttpResponseMessage unsigned = await hub.Client.PostAsJsonAsync($"/api/hooks/agents/lab/runs/{runId}", forged);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(forged, Hub.Domain.Sites.AgentProtocol.Json);
        Assert.True(StandardWebhooks.TryDecodeSecret("whsec_" + Convert.ToBase64String(new byte[32]), out byte[] otherKey));
        (string id, string timestamp, string signature) = StandardWebhooks.Headers(otherKey, "msg_forged", DateTimeOffset.UtcNow, body);
        using var wrongKey = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/agents/lab/runs/{runId}") { Content = new ByteArrayContent(body) };
        wrongKey.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        wrongKey.Headers.Add(StandardWebhooks.IdHeader, id);
        wrongKey.Headers.Add(StandardWebhooks.TimestampHeader, timestamp);
        wrongKey.Headers.Add(StandardWebhooks.SignatureHeader, signature);
        HttpResponseMessage badSignature = await hub.Client.SendAsync(wrongKey);
        HttpResponseMessage cancel = await SiteLab.SendAsync(hub, HttpMethod.Post, $"/api/sites/lab/runs/{runId}/cancel");
        JsonElement done = await SiteLab.WaitForRunAsync(hub.Client, "lab", runId);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        using (JsonDocument problem = JsonDocument.Parse(await second.Content.ReadAsStringAsync()))
        {
            Assert.Equal(runId, problem.RootElement.GetProperty("runningRun").GetString());
            Assert.Equal($"/api/sites/lab/runs/{runId}", problem.RootElement.GetProperty("href").GetString());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("application/problem+json", unsigned.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, badSignature.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("cancelled", SiteLab.Outcome(done));
        // The step in progress finished (by the agent's signed callback, not the forged ones); the rest were skipped.
        Assert.Equal(["start db-1 succeeded", "start app-1 succeeded", "start web-1 skipped"], SiteLab.Steps(done));
        Assert.Contains("app-1 listening on", SiteLab.Output(done, "app-1", "start"), StringComparison.Ordinal);
        Assert.False(lab.IsUp("web-1"));
        Assert.Equal(2, lab.Lines("steps.log").Length);
        Assert.Equal("FAILURE", (await SiteMailsAsync(hub, 1)).Single().Subject.Split(" - ")[^1]);
    }

    [Fact]
    [Trait("Category", "Process")]
    public async Task Executable_KilledMidRun_NewProcessResumesWithoutRepeatingAStep()
    {
        var total = Stopwatch.StartNew();
        await using SiteLab lab = await SiteLab.StartAsync(ThreeTier);
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(lab.HubSettings());
        settings["Logging__LogLevel__Default"] = "Warning";
        using var http = new HttpClient { BaseAddress = new Uri(settings["Hub__Urls"]!), Timeout = TimeSpan.FromSeconds(30) };
        string runId;
        await using (HubChildProcess first = HubChildProcess.Start(settings))
        {
            await first.WaitForPortAsync(http.BaseAddress.Port, TimeSpan.FromSeconds(60));
            await SiteLab.DefineAsync(http, "lab", [lab.Service("db", 10, "Db", "db-1"), lab.Service("app", 20, "App", "app-1"), lab.Service("web", 30, "Web", "web-1")], "db", "app", "web");
            lab.Write("app-1.slow", "3");
            runId = await SiteLab.StartRunAsync(http, "lab", new { command = "Start" });
            await HubState.WaitUntilAsync(() => Task.FromResult(lab.Lines("starts.log").Any(l => l.StartsWith("app-1:", StringComparison.Ordinal))), TimeSpan.FromSeconds(60));
            await first.KillAsync();
        }

        output.WriteLine($"killed with app-1's start running, {total.Elapsed} into the test");
        string[] atKill = lab.Lines("steps.log");
        // The same URL (a hub's public address does not change when it restarts): the agent's callback would go there.
        await using HubChildProcess second = HubChildProcess.Start(settings);
        await second.WaitForPortAsync(http.BaseAddress.Port, TimeSpan.FromSeconds(60));
        JsonElement done = await SiteLab.WaitForRunAsync(http, "lab", runId, TimeSpan.FromSeconds(120));
        output.WriteLine($"run done {total.Elapsed} into the test");

        Assert.Equal(2, atKill.Length);
        Assert.Equal("succeeded", SiteLab.Outcome(done));
        Assert.Equal(["start db-1 succeeded", "start app-1 succeeded", "start web-1 succeeded"], SiteLab.Steps(done));
        Assert.Equal(done.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("stepId").GetString()), lab.Lines("steps.log"));
        Assert.Equal(3, lab.Lines("starts.log").Length);
        Assert.True(lab.IsUp("web-1"));
    }

    private sealed record SiteMail(string Subject, IReadOnlyList<string> To, string Body, DateTimeOffset At);

    /// <summary>The site-run notices in the blob outbox, oldest first, once there are <paramref name="count"/> of them.</summary>
    private static async Task<IReadOnlyList<SiteMail>> SiteMailsAsync(TestHub hub, int count)
    {
        var outbox = (await Azurite.SharedAsync()).Account().GetBlobContainerClient(hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>().OutboxContainer);
        var mails = new List<SiteMail>();
        await HubState.WaitUntilAsync(async () =>
        {
            mails.Clear();
            if (!await outbox.ExistsAsync())
            {
                return false;
            }

            await foreach (Azure.Storage.Blobs.Models.BlobItem blob in outbox.GetBlobsAsync())
            {
                using JsonDocument document = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
                JsonElement m = document.RootElement.GetProperty("mail");
                if (m.GetProperty("kind").GetString() == Hub.Domain.Sites.SiteRunDecider.MailKind)
                {
                    mails.Add(new SiteMail(m.GetProperty("subject").GetString()!, [.. m.GetProperty("to").EnumerateArray().Select(a => a.GetString()!)],
                        m.GetProperty("body").GetString()!, document.RootElement.GetProperty("queuedAt").GetDateTimeOffset()));
                }
            }

            return mails.Count >= count;
        }, TimeSpan.FromSeconds(30));
        Assert.Equal(count, mails.Count);
        return [.. mails.OrderBy(m => m.At)];
    }
}
