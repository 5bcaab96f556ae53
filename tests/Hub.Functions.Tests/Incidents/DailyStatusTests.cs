using System.Text.Json;
using Hub.Functions.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Incidents;

/// <summary>The DailyStatus timer and its DailyStatusRun orchestration on a real hub with a fixture set of incidents and tickets, mail checked line by line.</summary>
public sealed class DailyStatusTests
{
    private const string IntegratorKey = "integrator-key-0123456789abcdef";

    // Tuesday 3 November 2026, 08:00 in Zurich.
    private static readonly DateTimeOffset T0 = new(2026, 11, 3, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DailyStatus_FixtureSet_MailsEachOpenIncidentRemindsTheSilentTechLeadAndSendsOneSummary()
    {
        var clock = new ManualClock(T0);
        Dictionary<string, string?> settings = Settings(Write(ackWithin: "10m"));
        settings["Hub__TimeZone"] = "Europe/Zurich";
        settings["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *";
        settings["Hub__ApiKeys__test-integrator"] = $"integrator,operator:{IntegratorKey}";
        await using TestHub hub = await TestHub.StartAsync(settings, services => services.AddSingleton<TimeProvider>(clock));

        long archive = await OpenAsync(hub, new { subject = "Archive unresponsive", service = "archive" });
        await StepAsync(hub, clock, T0.AddMinutes(10), HttpMethod.Post, $"/api/incidents/{archive}/acknowledge", AliceKey);
        clock.Advance(TimeSpan.FromMinutes(10));
        long vpn = await OpenAsync(hub, new { subject = "VPN down", service = "vpn", affectsEndUsers = true });
        await StepAsync(hub, clock, T0.AddMinutes(30), HttpMethod.Post, $"/api/incidents/{vpn}/acknowledge", TessKey);
        await StepAsync(hub, clock, T0.AddMinutes(65), HttpMethod.Post, $"/api/incidents/{vpn}/status", TessKey, new { text = "Vendor engaged." });
        await StepAsync(hub, clock, T0.AddHours(2), HttpMethod.Post, $"/api/incidents/{archive}/status", AliceKey, new { text = "Failover started." });
        AdvanceTo(clock, T0.AddHours(5));
        long relay = await OpenAsync(hub, new { subject = "Mail relay down" });
        await StepAsync(hub, clock, T0.AddHours(5), HttpMethod.Post, $"/api/incidents/{relay}/acknowledge", AliceKey);
        await StepAsync(hub, clock, T0.AddHours(5), HttpMethod.Post, $"/api/incidents/{relay}/scrum", AliceKey, new { attendees = new[] { "alice" }, plan = "Swap it." });
        AdvanceTo(clock, T0.AddHours(6));
        long release = await CreateTicketAsync(hub, new
        {
            queue = "sw-rel", subject = "Release foo 1.2", body = "release",
            customFields = new Dictionary<string, string> { ["DistributionShortName"] = "foo", ["Version"] = "1.2", ["ReleaseXml"] = "https://provider.example.org/foo/release.xml" },
        });
        long unmoved = await CreateTicketAsync(hub, new
        {
            queue = "sw-rel", subject = "Release bar 2.0", body = "release",
            customFields = new Dictionary<string, string> { ["DistributionShortName"] = "bar", ["Version"] = "2.0", ["ReleaseXml"] = "https://provider.example.org/bar/release.xml" },
        });
        await StepAsync(hub, clock, T0.AddHours(6.5), HttpMethod.Patch, $"/api/tickets/{release}", IntegratorKey, new { status = "Unverified" });
        await StepAsync(hub, clock, T0.AddHours(7), HttpMethod.Post, $"/api/incidents/{relay}/resolve", AliceKey, new { summary = "Relay swapped." });
        for (int i = 0; i < 3; i++)
        {
            await CreateTicketAsync(hub, new { queue = "Customer-Support", subject = $"Question {i}", body = "?" });
        }

        AdvanceTo(clock, T0.AddHours(24.5));
        long portal = await OpenAsync(hub, new { subject = "Portal slow", service = "portal" });
        AdvanceTo(clock, T0.AddHours(25)); // Wednesday 09:00 in Zurich

        DailyRun run = await RunDailyStatusAsync(hub, "2026-11-04");
        bool again = await StartAgainAsync(hub);
        await HubState.WaitForEffectsAsync(hub);
        List<Mail> mails = await OutboxAsync(hub);

        // 9 tickets exist; the archive and VPN tickets were last written more than 24 hours before the run, so only 7 are read.
        Assert.Equal(new DailyRun("2026-11-04", 3, 1, true, 7), run);
        Assert.False(again);
        Assert.Equal([archive, vpn, portal], mails.Where(m => m.Kind == "incident-daily").Select(m => m.Number).Order());
        Mail daily = mails.Single(m => m.Kind == "incident-daily" && m.Number == vpn);
        Assert.Equal(["isda-pipeline@example.org", "isda-integrators@example.org", "map-support@example.org", "computing-help@example.org"], daily.To);
        Assert.Equal($"[hub #{vpn}] Daily status 2026-11-04: VPN down", daily.Subject);
        Assert.Equal(
            [
                $"Daily status of incident #{vpn} (ProductionDefect): VPN down",
                "Status: acknowledged, open for 1 d 0 h",
                "Tech Lead: alice <alice@example.org>",
                "Acknowledged by tess at 2026-11-03 07:30 UTC",
                "Latest status update (2026-11-03 08:05 UTC, tess):",
                "  Vendor engaged.",
                "Changes in the last 24 hours:",
                "- 2026-11-03 08:05 UTC status update by tess",
            ],
            daily.Body.Split('\n'));
        Mail reminder = Assert.Single(mails, m => m.Kind == "incident-reminder");
        Assert.Equal(vpn, reminder.Number);
        Assert.Equal(["alice@example.org", "tess@example.org"], reminder.To);
        Mail summary = Assert.Single(mails, m => m.Kind == "daily-summary");
        Assert.Equal(["amit@example.org"], summary.To);
        Assert.Equal("[hub] Daily summary 2026-11-04", summary.Subject);
        Assert.Equal(
            [
                "Daily summary for 2026-11-04 (2026-11-04 08:00 UTC)",
                "",
                "Open incidents (3):",
                $"- #{archive} Archive unresponsive: open 1 d 1 h; Acknowledged by alice at 2026-11-03 07:10 UTC; owner alice",
                $"- #{vpn} VPN down: open 1 d 0 h; Acknowledged by tess at 2026-11-03 07:30 UTC; owner alice",
                $"- #{portal} Portal slow: open 30 min; Paging tech-lead (round 1) until 2026-11-04 07:40 UTC; owner alice",
                "",
                "Resolved in the last 24 hours (1):",
                $"- #{relay} Mail relay down: resolved 2026-11-03 14:00 UTC; post-mortem due 2026-11-10",
                "",
                "Releases that moved in the last 24 hours (1):",
                $"- #{release} Release foo 1.2: Unverified since 2026-11-03 13:30 UTC",
                "",
                "Changes scheduled in the next 24 hours (0):",
                "- none",
                "",
                "On call:",
                "- on-call: alice <alice@example.org> until 2026-11-05 08:00 UTC",
            ],
            summary.Body.Split('\n'));
        Assert.DoesNotContain("Release bar 2.0", summary.Body, StringComparison.Ordinal);
        // The release ticket created but never moved is not among the releases that moved.
        Assert.DoesNotContain($"#{unmoved} ", summary.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DailyStatus_OneIncidentFails_TheOthersAndTheSummaryStillGoAndARestartSendsOnlyWhatWasMissing()
    {
        var clock = new ManualClock(T0);
        Dictionary<string, string?> settings = Settings(Write(ackWithin: "10m"));
        settings["Hub__TimeZone"] = "Europe/Zurich";
        settings["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *";
        await using TestHub hub = await TestHub.StartAsync(settings, services => services.AddSingleton<TimeProvider>(clock));
        long broken = await OpenAsync(hub, new { subject = "Archive unresponsive", service = "archive" });
        long fine = await OpenAsync(hub, new { subject = "VPN down", service = "vpn" });
        var store = hub.App.Services.GetRequiredService<AggregateStore>();
        // The broken incident's state row stays listable but cannot be loaded (its timers column is not JSON).
        Azure.Data.Tables.TableEntity row = (await store.Table.GetEntityOrDefaultAsync($"incident:{broken}", AggregateStore.StateRow))!;
        object timers = row["Timers"];
        row["Timers"] = "not json";
        await store.Table.UpsertEntityAsync(row);
        AdvanceTo(clock, T0.AddHours(25));

        DailyRun run = await RunDailyStatusAsync(hub, "2026-11-04");
        await HubState.WaitForEffectsAsync(hub);
        List<Mail> mails = await OutboxAsync(hub);
        // The operator repairs the row and restarts the day's run under its own id.
        row["Timers"] = timers;
        await store.Table.UpsertEntityAsync(row);
        using var restart = new HttpRequestMessage(HttpMethod.Post, "/api/admin/orchestrations/daily-status:2026-11-04/restart?restartWithNewInstanceId=false");
        restart.Headers.Add(Hub.Functions.Admin.AdminKey.Header, TestHub.AdminKey);
        using HttpResponseMessage restarted = await hub.Client.SendAsync(restart);
        DailyRun rerun = await CompletedRunAsync(hub, "2026-11-04");
        await HubState.WaitForEffectsAsync(hub);
        List<Mail> after = await OutboxAsync(hub);

        // The broken incident was tried three times (DailyStatusFunctions.IncidentAttempts), then counted as failed.
        Assert.Equal(new DailyRun("2026-11-04", 1, 1, true, 0) { Failed = 1 }, run);
        Assert.Equal([fine], mails.Where(m => m.Kind == "incident-daily").Select(m => m.Number));
        Assert.Single(mails, m => m.Kind == "daily-summary");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, restarted.StatusCode);
        // The rerun reports both incidents and the summary as sent, and only the broken incident's mails are new.
        Assert.Equal(new DailyRun("2026-11-04", 2, 2, true, 0), rerun);
        Assert.Equal([broken, fine], after.Where(m => m.Kind == "incident-daily").Select(m => m.Number).Order());
        Assert.Equal([broken, fine], after.Where(m => m.Kind == "incident-reminder").Select(m => m.Number).Order());
        Assert.Single(after, m => m.Kind == "daily-summary");
    }

    [Fact]
    public async Task DailyStatus_SummarySendFailsTransiently_TheRunCompletesAndTheSweeperDeliversItOnce()
    {
        await using FakeSendGrid sendGrid = await FakeSendGrid.StartAsync();
        var clock = new ManualClock(T0);
        Dictionary<string, string?> settings = Settings(Write(ackWithin: "10m"));
        settings["Hub__TimeZone"] = "Europe/Zurich";
        settings["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *";
        settings["Hub__Email__Sender"] = "sendgrid";
        settings["Hub__Email__SendGridApiKey"] = FakeSendGrid.ApiKey;
        settings["Hub__Email__SendGridUrl"] = sendGrid.Url.ToString();
        settings["Hub__Email__MaxAttempts"] = "1";
        await using TestHub hub = await TestHub.StartAsync(settings, services => services.AddSingleton<TimeProvider>(clock));
        var store = hub.App.Services.GetRequiredService<AggregateStore>();
        sendGrid.Script.Enqueue((503, null, null));

        // SendGrid is down when the summary goes: the run still completes, and the mail waits in the outbox for its
        // retry orchestration, which sends it once SendGrid answers.
        DailyRun run = await RunDailyStatusAsync(hub, "2026-11-03");
        await HubState.WaitUntilAsync(async () => (await store.OutboxAsync("daily-summary:2026-11-03")).Count == 0);
        bool again = await StartAgainAsync(hub);

        Assert.True(run.SummarySent);
        Assert.False(again);
        Assert.Equal(2, sendGrid.Requests.Count);
        JsonElement summary = Assert.Single(sendGrid.Accepted);
        Assert.Equal("[hub] Daily summary 2026-11-03", summary.GetProperty("subject").GetString());
        Assert.Empty(await store.OutboxAsync("daily-summary:2026-11-03"));
    }

    /// <summary>
    /// Fires the DailyStatus timer function now (the standalone host's admin route, as the Functions host's) and waits
    /// for the day's orchestration to complete, returning what it reports.
    /// </summary>
    private static async Task<DailyRun> RunDailyStatusAsync(TestHub hub, string day)
    {
        using var fire = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/DailyStatus");
        fire.Headers.Add(Hub.Functions.Admin.AdminKey.Header, TestHub.AdminKey);
        using HttpResponseMessage fired = await hub.Client.SendAsync(fire);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, fired.StatusCode);
        return await CompletedRunAsync(hub, day);
    }

    /// <summary>The day's orchestration once it exists and has completed (a restart makes it Pending at once).</summary>
    private static async Task<DailyRun> CompletedRunAsync(TestHub hub, string day)
    {
        var client = hub.App.Services.GetRequiredService<DurableTaskClient>();
        string id = "daily-status:" + day;
        await HubState.WaitUntilAsync(async () => await client.GetInstanceAsync(id) is not null);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<DailyRun>()!;
    }

    /// <summary>What a second firing on the same day does: starts the day's orchestration again, which exists.</summary>
    private static async Task<bool> StartAgainAsync(TestHub hub) =>
        (await hub.App.Services.GetRequiredService<DailyStatusHandler>().StartTodayAsync(hub.Orchestrations, CancellationToken.None)).Started;

    private static void AdvanceTo(ManualClock clock, DateTimeOffset to)
    {
        Assert.True(to >= clock.GetUtcNow(), "the fixture's clock only moves forward");
        clock.Advance(to - clock.GetUtcNow());
    }

    private sealed record Mail(string Kind, long Number, IReadOnlyList<string> To, string Subject, string Body);

    private static async Task<long> OpenAsync(TestHub hub, object body) =>
        await IncidentApiTests.TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, body));

    private static async Task<long> CreateTicketAsync(TestHub hub, object body)
    {
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", IntegratorKey, body);
        string text = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, text);
        using JsonDocument json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("number").GetInt64();
    }

    private static async Task StepAsync(TestHub hub, ManualClock clock, DateTimeOffset at, HttpMethod method, string path, string key, object? body = null)
    {
        AdvanceTo(clock, at);
        HttpResponseMessage response = await SendAsync(hub, method, path, key, body);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<List<Mail>> OutboxAsync(TestHub hub)
    {
        var outbox = (await Azurite.SharedAsync()).Account().GetBlobContainerClient(
            hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>().OutboxContainer);
        var mails = new List<Mail>();
        await foreach (Azure.Storage.Blobs.Models.BlobItem blob in outbox.GetBlobsAsync())
        {
            using JsonDocument document = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync())!.ToString());
            JsonElement m = document.RootElement.GetProperty("mail");
            mails.Add(new Mail(
                m.GetProperty("kind").GetString()!, m.GetProperty("number").GetInt64(), [.. m.GetProperty("to").EnumerateArray().Select(a => a.GetString()!)],
                m.GetProperty("subject").GetString()!, m.GetProperty("body").GetString()!));
        }

        return mails;
    }
}

/// <summary>The DailyStatus function's schedule: 09:00 on weekdays in the hub's time zone unless configured.</summary>
public sealed class DailyStatusScheduleTests
{
    [Fact]
    public void Infra_EverySettingATriggerNamesIsAnAppSettingInMainBicep()
    {
        string bicep = File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "infra", "main.bicep"));
        string[] named = [.. Hub.Standalone.Discovery.FunctionCatalog.Discover([typeof(DailyStatusFunctions).Assembly])
            .Select(f => f.Trigger switch
            {
                Hub.Standalone.Discovery.TimerTrigger timer => timer.Schedule,
                Hub.Standalone.Discovery.QueueTrigger queue => queue.QueueName,
                _ => "",
            })
            .SelectMany(text => System.Text.RegularExpressions.Regex.Matches(text, "%([A-Za-z0-9_]+)%").Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

        Assert.Equal(["Hub__CertificateCheckSchedule", "Hub__DailyStatusSchedule", "Hub__DurableName", "Hub__HousekeepingSchedule", "Hub__OutboxRelaySchedule"], named);
        Assert.All(named, setting => Assert.Contains($"{{ name: '{setting}', value:", bicep, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_DefaultScheduleInZurich_RunsAt0900OnWeekdaysInTheHubsTimeZone()
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?> { ["Hub__TimeZone"] = "Europe/Zurich" });
        settings.Remove("Hub__DailyStatusSchedule");
        await using Microsoft.AspNetCore.Builder.WebApplication app = Hub.Standalone.HubStandalone.Build(new Hub.Functions.Hosting.HubLaunchOptions { Settings = settings });

        Hub.Standalone.MappedFunction daily = app.Services.GetRequiredService<IReadOnlyList<Hub.Standalone.MappedFunction>>().Single(f => f.Name == "DailyStatus");
        var trigger = (Microsoft.Azure.Functions.Worker.TimerTriggerAttribute)typeof(DailyStatusFunctions).GetMethod(nameof(DailyStatusFunctions.RunAsync))!
            .GetParameters()[0].GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.TimerTriggerAttribute), false).Single();

        Assert.Equal("%Hub__DailyStatusSchedule%", daily.Schedule);
        Assert.Equal("0 0 9 * * 1-5", daily.ResolvedSchedule);
        // Cronos follows Zurich's wall clock across DST (TimerScheduleTests in Hub.Standalone.Tests).
        Assert.Equal("Europe/Zurich", daily.TimeZone?.Id);
        Assert.False(trigger.RunOnStartup);
    }
}
