using System.Globalization;
using System.Net;
using System.Text.Json;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Changes;

/// <summary>
/// Change management end to end (issue #14) on a real hub with the real reference agent as a local process: a change
/// walked DEV -> TEST -> STAGE -> PROD through the pipeline-planning gate, with its tag and branch, a release slot that
/// is closed at the STAGE approval and opens a minute later (the installation starts then, not before), the
/// last-known-good record in the definitive software library, and a rollback; and the refusals, each a problem naming
/// its rule with nothing changed.
/// </summary>
public sealed class ChangeWalkTests
{
    private const string DeveloperKey = "change-developer-key-0123456789ab";
    private const string IntegratorKey = "change-integrator-key-0123456789a";
    private const string PipelineKey = "change-pipeline-key-0123456789abc";
    private const string ReaderKey = "change-reader-key-0123456789abcde";
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public async Task Walk_DevTestStageProd_GateNamesWindowLastKnownGoodAndRollback_RefusalsChangeNothing()
    {
        string dir = Directory.CreateTempSubdirectory("change-walk-").FullName;
        string script = Path.Combine(dir, "deploy.sh");
        // Every command the agent runs is logged with what it was asked to install.
        File.WriteAllText(script, "#!/bin/sh\necho \"$HUB_COMMAND $HUB_TIER $HUB_NODE ${HUB_VERSION:-} ${HUB_BUILD:-}\" >> \"$LOG_DIR/agent.log\"\n");
        string run = $"sh {script}";
        await using SiteAgentProcess agent = await SiteAgentProcess.StartAsync(new SiteAgentOptions(new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["portal"] = new[] { "start", "stop", "status", "install", "configure" }.ToDictionary(c => c, _ => run),
        })
        {
            Environment = new Dictionary<string, string> { ["LOG_DIR"] = dir },
        });
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Agents__lab__Url"] = agent.Url.AbsoluteUri,
            ["Hub__Agents__lab__Secret"] = agent.Secret,
            ["Hub__ApiKeys__dev"] = $"developer:{DeveloperKey}",
            ["Hub__ApiKeys__si"] = $"integrator,operator:{IntegratorKey}",
            ["Hub__ApiKeys__pipeline"] = $"pipeline:{PipelineKey}",
            ["Hub__ApiKeys__reader"] = $"logs-reader:{ReaderKey}",
        });

        // The only release slot of portal opens 75 s from now: about a minute after the STAGE approval below.
        DateTimeOffset opens = DateTimeOffset.UtcNow.AddSeconds(75);
        opens = new DateTimeOffset(opens.Ticks - (opens.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        await Expect(HttpStatusCode.Created, Send(hub, HttpMethod.Put, "/api/catalog/services/portal", IntegratorKey, Portal(agent, opens), ifMatch: "*"));
        await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Post, "/api/changes/library/portal", IntegratorKey, new { loadset = "map-portal-bin-stable-002.003", reason = "in production before the hub" }));

        // Open: a developer asks; an enhancement waits at the gate.
        HttpResponseMessage malformed = await Send(hub, HttpMethod.Post, "/api/changes", DeveloperKey, new { service = "portal", version = "2.4..1", kind = "enhancement", summary = "Portal 2.4.1" });
        JsonElement opened = await Expect(HttpStatusCode.Created, Send(hub, HttpMethod.Post, "/api/changes", DeveloperKey, new
        {
            service = "portal", version = "2.4.1", kind = "enhancement", summary = "Portal 2.4.1: new search", build = "map-portal-bin-dev-002.004",
        }));
        long n = opened.GetProperty("number").GetInt64();
        Assert.Equal("AwaitingPipeline", opened.GetProperty("state").GetString());
        await AssertRefused(malformed, HttpStatusCode.UnprocessableEntity, "InvalidField", "version");
        Assert.Single((await Get(hub, "/api/changes")).GetProperty("items").EnumerateArray());

        // The gate: a developer may not decide it; isda-pipeline approves.
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(hub, HttpMethod.Post, $"/api/changes/{n}/decisions", DeveloperKey, new { decision = "approve", reason = "mine" })).StatusCode);
        await AssertRefused(await Send(hub, HttpMethod.Post, $"/api/changes/{n}/promotions", DeveloperKey, new { tier = "DEV" }), HttpStatusCode.Conflict, "AwaitingGate", "tier");
        await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Post, $"/api/changes/{n}/decisions", PipelineKey, new { decision = "approve", reason = "planned for Q1" }));

        // DEV, then a skipped tier refused, then TEST with its tag.
        await PromoteAsync(hub, n, "DEV", DeveloperKey, "Installed DEV");
        await AssertUnchanged(hub, n, "Installed DEV", Send(hub, HttpMethod.Post, $"/api/changes/{n}/promotions", DeveloperKey, new { tier = "STAGE" }), HttpStatusCode.Conflict, "TierOrder");
        DateTimeOffset testAt = DateTimeOffset.UtcNow;
        JsonElement test = await PromoteAsync(hub, n, "TEST", DeveloperKey, "Installed TEST");
        Assert.Equal($"Release-2.4.1-{TimeZoneInfo.ConvertTime(testAt, London):yyyyMMdd}", test.GetProperty("change").GetProperty("tag").GetString());

        // STAGE: a developer is refused by the system access rules; an integrator's approval waits for the slot.
        await AssertUnchanged(hub, n, "Installed TEST", Send(hub, HttpMethod.Post, $"/api/changes/{n}/promotions", DeveloperKey, new { tier = "STAGE" }), HttpStatusCode.Forbidden, "SystemAccess");
        JsonElement waiting = await Expect(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{n}/promotions", IntegratorKey, new { tier = "STAGE" }));
        Assert.Equal("WaitingForWindow STAGE", waiting.GetProperty("state").GetString());
        Assert.Equal(opens, waiting.GetProperty("change").GetProperty("waitingUntil").GetDateTimeOffset());
        JsonElement calendar = await Get(hub, $"/api/changes/calendar?service=portal&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}");
        Assert.Contains(calendar.GetProperty("events").EnumerateArray(), e => e.GetProperty("uid").GetString() == $"change-{n}-STAGE@hub" && e.GetProperty("start").GetDateTimeOffset() == opens);
        string feed = await (await Send(hub, HttpMethod.Get, "/api/changes/calendar.ics", ReaderKey)).Content.ReadAsStringAsync();
        Assert.Contains($"UID:change-{n}-STAGE@hub\r\n", feed, StringComparison.Ordinal);
        Assert.Contains($"DTSTART:{opens.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}\r\n", feed, StringComparison.Ordinal);

        // Nothing is installed on STAGE before the slot opens; then it is, and STAGE vets the build.
        while (DateTimeOffset.UtcNow < opens.AddSeconds(-2))
        {
            Assert.Equal("WaitingForWindow STAGE", (await Get(hub, $"/api/changes/{n}")).GetProperty("state").GetString());
            Assert.DoesNotContain(AgentLog(dir), l => l.Contains(" STAGE ", StringComparison.Ordinal));
            await Task.Delay(500);
        }

        JsonElement staged = await WaitForAsync(hub, n, "Installed STAGE");
        JsonElement stageTier = staged.GetProperty("change").GetProperty("tiers").EnumerateArray().Single(t => t.GetProperty("tier").GetString() == "STAGE");
        Assert.True(stageTier.GetProperty("startedAt").GetDateTimeOffset() >= opens, $"STAGE started {stageTier.GetProperty("startedAt")}, before the slot opened at {opens:O}");
        Assert.True(staged.GetProperty("change").GetProperty("vetted").GetBoolean());
        Assert.Contains("install STAGE portal-stage 2.4.1 map-portal-bin-dev-002.004", AgentLog(dir));
        await WaitForCurrentAsync(hub, "map-portal-bin-stable-002.004");

        // A second change whose vetted build is withdrawn: PROD refuses it.
        long second = await SecondChangeWithdrawnAsync(hub);
        await AssertUnchanged(hub, second, "Installed STAGE", Send(hub, HttpMethod.Post, $"/api/changes/{second}/promotions", IntegratorKey, new { tier = "PROD" }), HttpStatusCode.Conflict, "UnvettedBuild");
        await WaitForCurrentAsync(hub, "map-portal-bin-stable-002.004");

        // PROD, inside the slot, with its branch; then the rollback restores the build before this change's.
        DateTimeOffset prodAt = DateTimeOffset.UtcNow;
        JsonElement done = await PromoteAsync(hub, n, "PROD", IntegratorKey, "Completed PROD");
        Assert.Equal($"PROD-2.4.1-{TimeZoneInfo.ConvertTime(prodAt, London):yyyyMMdd}", done.GetProperty("change").GetProperty("branch").GetString());
        Assert.Contains("install PROD portal-prod 2.4.1 map-portal-bin-dev-002.004", AgentLog(dir));
        JsonElement rolling = await Expect(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{n}/rollback", IntegratorKey, new { reason = "search times out" }));
        Assert.Equal("map-portal-bin-stable-002.003", rolling.GetProperty("change").GetProperty("restoredBuild").GetString());
        JsonElement rolledBack = await WaitForAsync(hub, n, "RolledBack PROD");
        Assert.Contains("install PROD portal-prod 2.4.1 map-portal-bin-stable-002.003", AgentLog(dir));
        await WaitForCurrentAsync(hub, "map-portal-bin-stable-002.003");
        JsonElement library = await Get(hub, "/api/changes/library/portal");
        Assert.Contains(library.GetProperty("loadsets").EnumerateArray(), l => l.GetProperty("loadset").GetString() == "map-portal-bin-stale-002.004");

        // The history names every state it passed, with time spent in each.
        string[] history = [.. rolledBack.GetProperty("change").GetProperty("history").EnumerateArray().Select(h => h.GetProperty("state").GetString()!)];
        Assert.Equal(
            ["AwaitingPipeline", "Ready", "Installing DEV", "Installed DEV", "Installing TEST", "Installed TEST", "WaitingForWindow STAGE", "Installing STAGE", "Installed STAGE",
             "Installing PROD", "Completed PROD", "RollingBack PROD", "RolledBack PROD"],
            history);
        DateTimeOffset[] at = [.. rolledBack.GetProperty("change").GetProperty("history").EnumerateArray().Select(h => h.GetProperty("at").GetDateTimeOffset())];
        TimeSpan waited = TimeSpan.Parse(rolledBack.GetProperty("timeInState").GetProperty("WaitingForWindow STAGE").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(at[7] - at[6], waited);
        Assert.True(at[7] >= opens && waited > TimeSpan.Zero, $"waited {waited} for the slot opening at {opens:O}");

        // Its ticket is in ProductionDeploy; each step was mailed to the Recipient List with the mirror in Bcc.
        Assert.Equal("ProductionDeploy", (await Get(hub, $"/api/tickets/{n}")).GetProperty("ticket").GetProperty("queue").GetString());
        IReadOnlyList<JsonElement> mails = await ChangeMailsAsync(hub, n, "rolled back on PROD");
        Assert.All(mails, m =>
        {
            Assert.Contains("portal-team@example.org", m.GetProperty("to").EnumerateArray().Select(a => a.GetString()));
            Assert.Contains("amit-auto-deploy@example.org", m.GetProperty("bcc").EnumerateArray().Select(a => a.GetString()));
        });
        string[] subjects = [.. mails.Select(m => m.GetProperty("subject").GetString()!)];
        foreach (string step in new[] { "requested", "installing on DEV", "installed on TEST", $"STAGE waits until", "installing on STAGE", "installed on PROD, the last tier", "rolling back on PROD" })
        {
            Assert.Contains(subjects, s => s.StartsWith($"[hub #{n}] Change portal 2.4.1: {step}", StringComparison.Ordinal));
        }
    }

    /// <summary>The change mails of change <paramref name="n"/> in the blob outbox, once one whose subject contains <paramref name="last"/> is there.</summary>
    private static async Task<IReadOnlyList<JsonElement>> ChangeMailsAsync(TestHub hub, long n, string last)
    {
        var outbox = (await Azurite.SharedAsync()).Account().GetBlobContainerClient(
            hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>().OutboxContainer);
        var mails = new List<JsonElement>();
        await HubState.WaitUntilAsync(async () =>
        {
            mails.Clear();
            await foreach (Azure.Storage.Blobs.Models.BlobItem blob in outbox.GetBlobsAsync())
            {
                using JsonDocument document = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
                JsonElement mail = document.RootElement.GetProperty("mail");
                if (mail.GetProperty("number").GetInt64() == n && mail.GetProperty("kind").GetString() == "change")
                {
                    mails.Add(mail.Clone());
                }
            }

            return mails.Any(m => m.GetProperty("subject").GetString()!.Contains(last, StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30));
        return mails;
    }

    /// <summary>A fix (no gate) of build 002.005 walked to STAGE inside the slot, vetted, then withdrawn by an integrator.</summary>
    private static async Task<long> SecondChangeWithdrawnAsync(TestHub hub)
    {
        JsonElement opened = await Expect(HttpStatusCode.Created, Send(hub, HttpMethod.Post, "/api/changes", DeveloperKey, new
        {
            service = "portal", version = "2.4.2", kind = "fix", summary = "Portal 2.4.2: hotfix", build = "map-portal-bin-dev-002.005",
        }));
        long n = opened.GetProperty("number").GetInt64();
        Assert.Equal("Ready", opened.GetProperty("state").GetString());
        await PromoteAsync(hub, n, "DEV", DeveloperKey, "Installed DEV");
        await PromoteAsync(hub, n, "TEST", DeveloperKey, "Installed TEST");
        await PromoteAsync(hub, n, "STAGE", IntegratorKey, "Installed STAGE");
        await WaitForCurrentAsync(hub, "map-portal-bin-stable-002.005");
        await Expect(HttpStatusCode.OK, Send(hub, HttpMethod.Post, $"/api/changes/{n}/withdraw", IntegratorKey, new { reason = "leaks sessions" }));
        return n;
    }

    private static object Portal(SiteAgentProcess agent, DateTimeOffset opens) => new
    {
        name = "portal",
        startupRank = 20,
        owners = new[] { "portal-owners@example.org" },
        recipientLists = new[] { "portal-team@example.org" },
        timeZone = "Europe/London",
        releaseSlots = new[] { new { start = opens, end = opens.AddMinutes(30), name = "walk" } },
        tiers = new[] { "DEV", "TEST", "STAGE", "PROD" }.Select(t => new
        {
            name = t,
            agentUrl = agent.StepsUrl.AbsoluteUri,
            nodes = new[] { new { name = $"portal-{t.ToLowerInvariant()}", serverTier = "App" } },
        }).ToArray(),
    };

    private static async Task<JsonElement> PromoteAsync(TestHub hub, long n, string tier, string key, string until)
    {
        await Expect(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{n}/promotions", key, new { tier }));
        return await WaitForAsync(hub, n, until);
    }

    private static async Task<JsonElement> WaitForAsync(TestHub hub, long n, string state)
    {
        JsonElement last = default;
        try
        {
            await HubState.WaitUntilAsync(async () => (last = await Get(hub, $"/api/changes/{n}")).GetProperty("state").GetString() == state, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Change #{n} did not reach '{state}' in 60 s; it is {last}");
        }

        return last;
    }

    private static Task WaitForCurrentAsync(TestHub hub, string loadset) =>
        HubState.WaitUntilAsync(async () => (await Get(hub, "/api/changes/library/portal")).GetProperty("current").GetString() == loadset, TimeSpan.FromSeconds(30));

    /// <summary>Sends a refused request and checks the change is as it was: same state, same sequence.</summary>
    private static async Task AssertUnchanged(TestHub hub, long n, string state, Task<HttpResponseMessage> send, HttpStatusCode status, string rule)
    {
        JsonElement before = await Get(hub, $"/api/changes/{n}");
        await AssertRefused(await send, status, rule, null);
        JsonElement after = await Get(hub, $"/api/changes/{n}");
        Assert.Equal(state, after.GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("change").GetProperty("sequence").GetInt64(), after.GetProperty("change").GetProperty("sequence").GetInt64());
    }

    private static async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string rule, string? field)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using JsonDocument problem = JsonDocument.Parse(text);
        if (problem.RootElement.TryGetProperty("rule", out JsonElement named))
        {
            Assert.Equal(rule, named.GetString());
        }
        else
        {
            Assert.Equal("InvalidField", rule); // a 422 of the request's own fields lists them without a change rule
        }

        JsonElement error = Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray());
        if (field is not null)
        {
            Assert.Equal(field, error.GetProperty("field").GetString());
        }
    }

    private static string[] AgentLog(string dir) => File.Exists(Path.Combine(dir, "agent.log")) ? File.ReadAllLines(Path.Combine(dir, "agent.log")) : [];

    private static async Task<JsonElement> Get(TestHub hub, string path)
    {
        HttpResponseMessage response = await Send(hub, HttpMethod.Get, path, ReaderKey);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> Expect(HttpStatusCode status, Task<HttpResponseMessage> send)
    {
        HttpResponseMessage response = await send;
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> Send(TestHub hub, HttpMethod method, string path, string key, object? body = null, string? ifMatch = null) =>
        Api.SendAsync(hub, method, path, key, body, ifMatch);
}
