using System.Globalization;
using System.Net;
using System.Text.Json;
using Hub.Functions.Tests.Sites;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// The changes and sites pages in a real browser (issue #15), one hub for both: a change waiting for a release slot
/// shows in the slot's STAGE cell of the calendar, a change installing on DEV in today's DEV cell, one at the gate in
/// the list; the change page shows its tier walk and history, and a cancel made elsewhere arrives without a reload.
/// A site of real local processes (the reference agent, <see cref="SiteLab"/>) shows its last run; its page's timeline
/// has one entry per step in rank order, and a Status run started elsewhere replaces it without a reload. A reader sees no
/// buttons on any of them.
/// </summary>
public sealed class ChangeSitePageTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    private const string TeamKey = "change-site-team-key-0123456789abc";
    private const string ReaderKey = "change-site-reader-key-0123456789";

    [Fact]
    public async Task Changes_CalendarPlacesScheduledAndRunningChanges_ChangeShowsWalkAndHistory_SiteShowsRunsAndStepTimeline()
    {
        await using SiteLab lab = await SiteLab.StartAsync(new Dictionary<string, string[]> { ["db"] = ["db-1"], ["app"] = ["app-1"], ["web"] = ["web-1"] });
        Dictionary<string, string?> settings = lab.HubSettings();
        settings["Hub__ApiKeys__team"] = $"developer,integrator,operator:{TeamKey}";
        settings["Hub__ApiKeys__reader"] = $"logs-reader:{ReaderKey}";
        await using TestHub hub = await TestHub.StartAsync(settings);

        // The site: three services listed out of rank order, started once (real processes, in rank order).
        await SiteLab.DefineAsync(hub.Client, "lab", [lab.Service("web", 30, "Web", "web-1"), lab.Service("db", 10, "Db", "db-1"), lab.Service("app", 20, "App", "app-1")], "web", "db", "app");
        JsonElement start = await SiteLab.RunAsync(hub.Client, "lab", new { command = "Start" });
        Assert.Equal("succeeded", SiteLab.Outcome(start));

        // ledger: installed by hand (no nodes); a slot the day after tomorrow, and weekly windows on days that cannot be
        // open now, so the STAGE promotion waits for the slot.
        DateTime today = DateTime.UtcNow.Date;
        var slot = new DateTimeOffset(today.AddDays(2).AddHours(10), TimeSpan.Zero);
        await ApiAsync(HttpStatusCode.Created, Send(hub, HttpMethod.Put, "/api/catalog/services/ledger", new
        {
            name = "ledger",
            owners = new[] { "ledger-owners@example.org" },
            releaseWindows = new[] { new { days = new[] { Day(today.AddDays(3)), Day(today.AddDays(5)) }, start = "22:00", duration = "02:00", name = "Evening" } },
            releaseSlots = new[] { new { start = slot, end = slot.AddHours(2), name = "Month end" } },
            tiers = new[] { "DEV", "TEST", "STAGE", "PROD" }.Select(t => new { name = t, nodes = Array.Empty<object>() }).ToArray(),
        }));
        long scheduled = await OpenAsync(hub, "fix", "3.1", "Ledger 3.1: month-end totals");
        foreach (string tier in new[] { "DEV", "TEST" })
        {
            await ApiAsync(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{scheduled}/promotions", new { tier }));
            await ApiAsync(HttpStatusCode.OK, Send(hub, HttpMethod.Post, $"/api/changes/{scheduled}/installations", new { tier, succeeded = true, evidence = $"run sheet {tier}-7" }));
        }

        JsonElement waiting = await ApiAsync(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{scheduled}/promotions", new { tier = "STAGE" }));
        Assert.Equal("WaitingForWindow STAGE", waiting.GetProperty("state").GetString());
        long running = await OpenAsync(hub, "fix", "3.2", "Ledger 3.2: rounding");
        await ApiAsync(HttpStatusCode.Accepted, Send(hub, HttpMethod.Post, $"/api/changes/{running}/promotions", new { tier = "DEV" }));
        long gated = await OpenAsync(hub, "enhancement", "4.0", "Ledger 4.0: new reports");

        // The calendar: the waiting change inside the slot's STAGE window; the slot on PROD too, with no change in it;
        // the installation today on DEV; the gated change in the list only.
        IPage page = await browser.SignInAsync(hub.Client.BaseAddress!, ReaderKey, "/changes");
        Assert.EndsWith("/changes", page.Url, StringComparison.Ordinal);
        string slotRow = $"#calendar-days tr[data-day='{slot:yyyy-MM-dd}']";
        await Expect(page.Locator($"{slotRow} td[data-tier='STAGE'] .window[data-service='ledger'] a[data-change='{scheduled}']")).ToHaveCountAsync(1);
        Assert.Contains("10:00", await page.Locator($"{slotRow} td[data-tier='STAGE'] .window[data-service='ledger'] .when").InnerTextAsync(), StringComparison.Ordinal);
        await Expect(page.Locator($"{slotRow} td[data-tier='PROD'] .window[data-service='ledger']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"{slotRow} td[data-tier='PROD'] a[data-change]")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#calendar-days a[data-change='{scheduled}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#calendar-days tr[data-day='{today:yyyy-MM-dd}'] td[data-tier='DEV'] a.running[data-change='{running}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#calendar-days a[data-change='{gated}']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#calendar-days tr[data-day='{today.AddDays(3):yyyy-MM-dd}'] td[data-tier='STAGE'] .window[data-service='ledger']")).ToContainTextAsync("22:00");
        await Expect(page.Locator("#calendar-days tbody tr")).ToHaveCountAsync(14);
        await Expect(page.Locator($"#open-changes tr[data-change='{gated}'] td.state")).ToHaveTextAsync("AwaitingPipeline");
        await Expect(page.Locator($"#open-changes tr[data-change='{scheduled}'] td.state")).ToHaveTextAsync("WaitingForWindow STAGE");
        await Expect(page.Locator("main button")).ToHaveCountAsync(0);
        await DashboardBrowser.ScreenshotAsync(page, "changes");

        // The change: its tier walk and its history (who did what, when).
        await page.ClickAsync($"#calendar-days a[data-change='{scheduled}']");
        await Expect(page.Locator("h1")).ToHaveTextAsync($"Change #{scheduled} ledger 3.1");
        await Expect(page.Locator("#walk li.done")).ToHaveCountAsync(2);
        await Expect(page.Locator("#walk li[aria-current='step']")).ToHaveAttributeAsync("data-tier", "STAGE");
        await Expect(page.Locator("#walk li[data-tier='STAGE']")).ToContainTextAsync($"starts {slot:yyyy-MM-dd} 10:00 UTC");
        await Expect(page.Locator("#walk li[data-tier='PROD']")).ToHaveClassAsync("pending");
        await Expect(page.Locator("#walk li[data-tier='TEST']")).ToContainTextAsync("evidence: run sheet TEST-7");
        string[] types = [.. await page.Locator("#history td.type").AllInnerTextsAsync()];
        Assert.Equal(["ChangeOpened", "PromotionApproved", "PromotionStarted", "InstallationRecorded", "PromotionApproved", "PromotionStarted", "InstallationRecorded", "PromotionApproved", "PromotionWaiting"], types);
        Assert.All(await page.Locator("#history td.who").AllInnerTextsAsync(), who => Assert.Equal("team", who));
        await Expect(page.Locator("#history tr").Last.Locator("td.moved")).ToHaveTextAsync("Installed TEST → WaitingForWindow STAGE");
        await Expect(page.Locator("main button")).ToHaveCountAsync(0);
        await DashboardBrowser.ScreenshotAsync(page, "change");

        // A cancel made through the API shows in the open page without a reload.
        await page.EvaluateAsync("() => window.notReloaded = true");
        await ApiAsync(HttpStatusCode.OK, Send(hub, HttpMethod.Post, $"/api/changes/{scheduled}/cancel", new { reason = "moved to next month" }));
        await Expect(page.Locator("#history")).ToContainTextAsync("moved to next month", new() { Timeout = 20_000 });
        await Expect(page.Locator("#change .state").First).ToHaveTextAsync("Cancelled STAGE");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));

        // The sites: lab's services in rank order and its last run.
        await page.GotoAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, "/sites"));
        ILocator card = page.Locator("#sites section[data-site='lab']");
        Assert.Equal(["db", "app", "web"], await card.Locator("ol.members li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.service)"));
        string runId = start.GetProperty("run").GetProperty("runId").GetString()!;
        ILocator last = card.Locator($"tr[data-run='{runId}']");
        await Expect(last.Locator("td").Nth(1)).ToHaveTextAsync("Start");
        await Expect(last.Locator("td.outcome")).ToHaveTextAsync("Succeeded");
        await Expect(last.Locator("td").Nth(5)).ToHaveTextAsync("lab-operator");
        await Expect(page.Locator("main button")).ToHaveCountAsync(0);
        await DashboardBrowser.ScreenshotAsync(page, "sites");

        // The site: the timeline has one entry per step, in rank order, each with a bar; and the step table.
        await card.Locator("h2 a").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Site lab");
        ILocator steps = page.Locator("#timeline li");
        await Expect(steps).ToHaveCountAsync(3);
        Assert.Equal(["db", "app", "web"], await steps.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.service)"));
        Assert.Equal(["10", "20", "30"], await steps.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.rank)"));
        await Expect(page.Locator("#timeline li.succeeded .bar")).ToHaveCountAsync(3);
        double[] lefts = await steps.EvaluateAllAsync<double[]>("items => items.map(i => parseFloat(i.querySelector('.bar').style.left))");
        Assert.True(lefts[0] <= lefts[1] && lefts[1] <= lefts[2], $"bars start in step order: {string.Join(", ", lefts.Select(l => l.ToString(CultureInfo.InvariantCulture)))}");
        await Expect(page.Locator("#steps tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#steps tbody tr").First.Locator("td.status")).ToHaveTextAsync("Succeeded");
        await Expect(page.Locator("main button")).ToHaveCountAsync(0);
        await DashboardBrowser.ScreenshotAsync(page, "site");

        // A Status run started elsewhere becomes the latest run: the open page shows it without a reload.
        await page.EvaluateAsync("() => window.notReloaded = true");
        string status = await SiteLab.StartRunAsync(hub.Client, "lab", new { command = "Status" });
        await Expect(page.Locator($"#runs tr[data-run='{status}']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.Locator("#timeline li.succeeded")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await Expect(page.Locator("#timeline li").First).ToContainTextAsync("1. status db @ db-1");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));

        // An earlier run by ?run=, and an unknown one is a 404 page saying so.
        await page.GotoAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, $"/sites/lab?run={runId}"));
        Assert.Equal(["db", "app", "web"], await page.Locator("#timeline li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.service)"));
        IResponse? missing = await page.GotoAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, "/sites/lab?run=nope"));
        Assert.Equal(404, missing!.Status);
        IResponse? noChange = await page.GotoAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, "/changes/9999"));
        Assert.Equal(404, noChange!.Status);
    }

    private static string Day(DateTime date) => date.DayOfWeek.ToString()[..3];

    private static async Task<long> OpenAsync(TestHub hub, string kind, string version, string summary) =>
        (await ApiAsync(HttpStatusCode.Created, Send(hub, HttpMethod.Post, "/api/changes", new { service = "ledger", version, kind, summary }))).GetProperty("number").GetInt64();

    private static async Task<JsonElement> ApiAsync(HttpStatusCode status, Task<HttpResponseMessage> send)
    {
        HttpResponseMessage response = await send;
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> Send(TestHub hub, HttpMethod method, string path, object? body = null) =>
        Api.SendAsync(hub, method, path, TeamKey, body, method == HttpMethod.Put ? "*" : null);
}
