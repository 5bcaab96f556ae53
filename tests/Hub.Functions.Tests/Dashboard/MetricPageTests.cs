using System.Net;
using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Releases;
using Hub.Functions.Tests.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// The metrics page in a real browser (issue #15): release figures of two past months in the metrics table and two
/// incidents acknowledged and resolved through the API; the page's SVG charts show them per month, "Download CSV"
/// downloads the same rows; a page without a session goes to sign-in, an unknown chart is a 404, a bad month a 422.
/// </summary>
public sealed class MetricPageTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Metrics_SeededMonthsAndIncidents_ChartedAndDownloadedAsCsv_NoSessionGoesToSignIn()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "1h")), services => services.AddSingleton<TimeProvider>(clock));
        Uri root = hub.Client.BaseAddress!;
        DateTimeOffset now = clock.GetUtcNow();
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset staged = thisMonth.AddMonths(-2).AddDays(3).AddHours(9), delivered = thisMonth.AddMonths(-1).AddDays(9).AddHours(9);
        string twoBack = ReleaseMetrics.MonthOf(staged), oneBack = ReleaseMetrics.MonthOf(delivered);

        // Two months ago release 1 went all the way to Production; last month releases 2 and 3 were delivered and 2 verified.
        ReleaseMetricsStore metrics = hub.App.Services.GetRequiredService<ReleaseMetricsStore>();
        await hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableStorage>().EnsureAsync(default);
        await metrics.ExecuteAsync(Context(new ReleaseMetricsSnapshot(1, 9, "one", false,
            [
                new(RolloutProgress.Submitted, staged), new(RolloutProgress.Unverified, staged.AddHours(1)), new(RolloutProgress.InVerification, staged.AddHours(2)),
                new(RolloutProgress.StageRollout, staged.AddHours(3)), new(RolloutProgress.Production, staged.AddHours(13)),
            ],
            [new("ea-ibergrid", "IBERGRID", true, "https://wiki.example.org/1", null, staged.AddHours(5)), new("ea-ngi-de", "NGI_DE", false, "https://wiki.example.org/2", null, staged.AddHours(6))],
            staged.AddHours(23))), default);
        foreach (long release in new long[] { 2, 3 })
        {
            await metrics.ExecuteAsync(Context(new ReleaseMetricsSnapshot(release, 4, "r", false,
                [
                    new(RolloutProgress.Submitted, delivered), new(RolloutProgress.Unverified, delivered.AddHours(1)),
                    .. release == 2 ? new StateEntry[] { new(RolloutProgress.InVerification, delivered.AddHours(2)), new(RolloutProgress.StageRollout, delivered.AddHours(4)) } : [],
                ],
                [], null)), default);
        }

        // Two incidents: acknowledged after 12 and 30 minutes, the first resolved after 3 hours.
        long first = await OpenAsync(hub), second = await OpenAsync(hub);
        clock.Advance(TimeSpan.FromMinutes(12));
        await StepAsync(hub, $"/api/incidents/{first}/acknowledge");
        clock.Advance(TimeSpan.FromMinutes(18));
        await StepAsync(hub, $"/api/incidents/{second}/acknowledge");
        await StepAsync(hub, $"/api/incidents/{first}/scrum", new { attendees = new[] { "alice" }, plan = "Swap the relay." });
        clock.Advance(TimeSpan.FromMinutes(150));
        await StepAsync(hub, $"/api/incidents/{first}/resolve", new { summary = "Relay swapped." });
        string acknowledged = ReleaseMetrics.MonthOf((await IncidentApiTests.ReadAsync(hub, second)).Acknowledged!.At);
        Assert.Equal(acknowledged, ReleaseMetrics.MonthOf((await IncidentApiTests.ReadAsync(hub, first)).Acknowledged!.At));
        string resolved = ReleaseMetrics.MonthOf((await IncidentApiTests.ReadAsync(hub, first)).ResolvedAt!.Value);

        // Without a session: to sign-in, for the page and for a CSV.
        IPage anonymous = await browser.NewPageAsync();
        await anonymous.GotoAsync(DashboardBrowser.Url(root, "/metrics"));
        Assert.EndsWith("/sign-in?return=%2Fmetrics", anonymous.Url, StringComparison.Ordinal);
        IAPIResponse noSession = await anonymous.APIRequest.GetAsync(DashboardBrowser.Url(root, "/metrics/repo.csv"), new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Redirect, noSession.Status);
        Assert.StartsWith("/sign-in", noSession.Headers["location"], StringComparison.Ordinal);

        IPage page = await browser.SignInAsync(root, ReaderKey, "/metrics");
        Assert.EndsWith("/metrics", page.Url, StringComparison.Ordinal);
        // The default range: the 12 months up to the clock's (which may have moved on to the next by now).
        var pageMonth = new DateTimeOffset(clock.GetUtcNow().Year, clock.GetUtcNow().Month, 1, 0, 0, 0, TimeSpan.Zero);
        string[] months = [.. Enumerable.Range(0, 12).Select(i => ReleaseMetrics.MonthOf(pageMonth.AddMonths(i - 11)))];
        Assert.Equal(months, await page.Locator("#chart-repo svg g.month").EvaluateAllAsync<string[]>("gs => gs.map(g => g.dataset.month)"));
        Assert.Equal(["1", "1", "1"], await Bars(page, "repo", twoBack));
        Assert.Equal(["2", "1", "0"], await Bars(page, "repo", oneBack));
        Assert.Equal($"{oneBack}, M.REPO-1 delivered: 2 releases", await page.Locator($"#chart-repo g[data-month='{oneBack}'] rect title").First.TextContentAsync());
        Assert.Equal(staged.ToString("MMM", System.Globalization.CultureInfo.InvariantCulture),
            await page.Locator($"#chart-repo g[data-month='{twoBack}'] text.x").First.TextContentAsync());
        Assert.Equal(["10", "10"], await Bars(page, "stage-rollout-hours", twoBack));
        Assert.Equal(["21", "29.1"], await Bars(page, "time-to-acknowledge", acknowledged));
        Assert.Equal(["3", "3"], await Bars(page, "time-to-resolve", resolved));
        // The same figures in the table for screen readers.
        Assert.Equal([twoBack, "1", "1", "1"], await page.Locator($"#chart-repo-data tr:has(th:text-is('{twoBack}')) > *").AllTextContentsAsync());
        await DashboardBrowser.ScreenshotAsync(page, "metrics");

        // "Download CSV": the chart's rows, a header and one row per month.
        IDownload download = await page.RunAndWaitForDownloadAsync(() =>
            page.Locator("#chart-repo").GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        Assert.Equal("repo.csv", download.SuggestedFilename);
        string expected = "month,M.REPO-1 delivered,M.REPO-2 passed verification,M.REPO-3 passed staged rollout\r\n"
            + string.Concat(months.Select(m => m + (m == twoBack ? ",1,1,1" : m == oneBack ? ",2,1,0" : ",0,0,0") + "\r\n"));
        Assert.Equal(expected, await File.ReadAllTextAsync((await download.PathAsync())!));

        IDownload ack = await page.RunAndWaitForDownloadAsync(() =>
            page.Locator("#chart-time-to-acknowledge").GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        string[] ackLines = (await File.ReadAllTextAsync((await ack.PathAsync())!)).Split("\r\n");
        Assert.Equal("month,median,p95", ackLines[0]);
        Assert.Contains($"{acknowledged},21,29.1", ackLines);
        Assert.Equal(14, ackLines.Length); // header, 12 months, and the empty string after the last CRLF

        // The headers, an unknown chart, a bad month, a chosen range.
        IAPIResponse csv = await page.APIRequest.GetAsync(DashboardBrowser.Url(root, $"/metrics/teams.csv?from={twoBack}&to={oneBack}"));
        Assert.Equal("text/csv; charset=utf-8", csv.Headers["content-type"]);
        Assert.StartsWith("attachment; filename=teams.csv", csv.Headers["content-disposition"], StringComparison.Ordinal);
        Assert.Equal($"month,ea-ibergrid,ea-ngi-de\r\n{twoBack},1,1\r\n{oneBack},0,0\r\n", await csv.TextAsync());
        IAPIResponse unknown = await page.APIRequest.GetAsync(DashboardBrowser.Url(root, "/metrics/nope.csv"));
        Assert.Equal((int)HttpStatusCode.NotFound, unknown.Status);
        Assert.StartsWith("application/problem+json", unknown.Headers["content-type"], StringComparison.Ordinal);
        IAPIResponse bad = await page.APIRequest.GetAsync(DashboardBrowser.Url(root, "/metrics?from=March"));
        Assert.Equal((int)HttpStatusCode.UnprocessableEntity, bad.Status);
        using (JsonDocument problem = JsonDocument.Parse(await bad.TextAsync()))
        {
            Assert.Equal("from", problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        }

        await page.FillAsync("#from", twoBack);
        await page.FillAsync("#to", oneBack);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains($"from={twoBack}", StringComparison.Ordinal));
        Assert.Equal([twoBack, oneBack], await page.Locator("#chart-repo svg g.month").EvaluateAllAsync<string[]>("gs => gs.map(g => g.dataset.month)"));
        Assert.EndsWith($"/metrics/repo.csv?from={twoBack}&to={oneBack}", await page.Locator("#chart-repo a").GetAttributeAsync("href"), StringComparison.Ordinal);
    }

    private static Task<string[]> Bars(IPage page, string chart, string month) =>
        page.Locator($"#chart-{chart} g[data-month='{month}'] rect").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.value)");

    private static async Task<long> OpenAsync(TestHub hub)
    {
        long ticket = await IncidentApiTests.TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Mail relay down " + Guid.NewGuid().ToString("N")[..6] }));
        await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Exists, TimeSpan.FromSeconds(10));
        return ticket;
    }

    private static async Task StepAsync(TestHub hub, string path, object? body = null)
    {
        HttpResponseMessage response = await SendAsync(hub, HttpMethod.Post, path, AliceKey, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static SideEffectContext Context(ReleaseMetricsSnapshot snapshot) =>
        new($"release:{snapshot.Release}", Guid.NewGuid().ToString("N"), ReleaseMetricsSnapshot.EffectKind, JsonSerializer.Serialize(snapshot, Json), new RecordingStarter(), DateTimeOffset.UnixEpoch);
}
