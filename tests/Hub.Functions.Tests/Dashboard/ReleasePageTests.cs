using System.Net;
using System.Text;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Tests.Support;
using Microsoft.Playwright;
using static Hub.Functions.Tests.Releases.ReleaseKit;
using static Microsoft.Playwright.Assertions;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// The release board in a real browser (issue #15): releases seeded through the API sit in their state's column, the
/// second release of a major release waits in its Deferred queue, an early-adopter report shows; the QC team moves a
/// release from its detail page and the board, open in another tab and never reloaded, shows the card in its new
/// column; a refused move says why; a read-only role sees no move button.
/// </summary>
public sealed class ReleasePageTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    private static readonly byte[] Rpm = Encoding.UTF8.GetBytes("foo rpm bytes");

    [Fact]
    public async Task Board_ColumnsQueueAndReports_MoveFromTheDetailChangesColumnWithoutReload_ReaderSeesNoButton()
    {
        await using TestHub hub = await StartAsync();
        Uri root = hub.Client.BaseAddress!;
        string major = "umd-" + Guid.NewGuid().ToString("N")[..6];
        long staged = await InVerificationAsync(hub, major, "Foo 1 staged");
        await MoveAsync(hub, staged, "StageRollout", QcKey);
        long deferred = await InVerificationAsync(hub, major, "Foo 2 deferred");
        await MoveAsync(hub, deferred, "StageRollout", QcKey);
        long verifying = await InVerificationAsync(hub, "umd-" + Guid.NewGuid().ToString("N")[..6], "Bar in verification");
        long submitted = await CreateAsync(hub, null, title: "Baz submitted");
        HttpResponseMessage report = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{staged}/stage-rollout-reports", EarlyAdopterKey,
            new { team = "ea-ibergrid", result = "accept", reportUrl = $"https://wiki.example.org/ea-ibergrid/{staged}" });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal(RolloutProgress.Deferred, (await ReleaseAsync(hub, deferred)).Progress);

        // A reader sees the board and the detail, and no move.
        IPage reader = await browser.SignInAsync(root, ReaderKey, "/releases");
        await Expect(Card(reader, RolloutProgress.InVerification, verifying)).ToBeVisibleAsync();
        Assert.Empty(await reader.QuerySelectorAllAsync("main form"));
        await reader.GotoAsync(DashboardBrowser.Url(root, $"/releases/{verifying}"));
        await Expect(reader.Locator("h1")).ToHaveTextAsync($"Release #{verifying}: Bar in verification");
        Assert.Empty(await reader.QuerySelectorAllAsync("main form"));
        Assert.Equal(0, await reader.Locator("main button").CountAsync());

        // The QC team's board: each release in its column, the Deferred queue of the major release, the report.
        IPage board = await browser.SignInAsync(root, QcKey, "/releases");
        await Expect(Card(board, RolloutProgress.StageRollout, staged)).ToBeVisibleAsync();
        await Expect(Card(board, RolloutProgress.Deferred, deferred)).ToBeVisibleAsync();
        await Expect(Card(board, RolloutProgress.Submitted, submitted)).ToBeVisibleAsync();
        await Expect(Card(board, RolloutProgress.InVerification, verifying)).ToContainTextAsync("in InVerification");
        ILocator queue = board.Locator($"#queues tr[data-major='{major}']");
        await Expect(queue.Locator($"li[data-release='{deferred}']")).ToBeVisibleAsync();
        await Expect(queue).ToContainTextAsync($"#{staged} Foo 1 staged (StageRollout)");
        await Expect(board.Locator($"#report-table tr[data-release='{staged}'] td[data-team='ea-ibergrid']")).ToHaveTextAsync("accepted");
        await Expect(board.Locator($"#report-table tr[data-release='{staged}'] td[data-team='ea-ngi-de']")).ToHaveTextAsync("awaited");
        await DashboardBrowser.ScreenshotAsync(board, "releases");
        await board.EvaluateAsync("() => window.notReloaded = true");

        // The detail in a second tab: the QC team's moves from InVerification, none of the hub's or an admin's.
        IPage detail = await board.Context.NewPageAsync();
        await detail.GotoAsync(DashboardBrowser.Url(root, $"/releases/{verifying}"));
        string[] buttons = [.. (await detail.Locator("main .moves button").AllInnerTextsAsync()).Order(StringComparer.Ordinal)];
        Assert.Equal(["Ask for StageRollout", "Move to Ignored", "Move to NotPublished", "Move to Rejected", "Move to WaitingForResponse"], buttons);
        await detail.GetByRole(AriaRole.Button, new() { Name = "Move to WaitingForResponse" }).ClickAsync();
        await Expect(detail.Locator("[role=status]")).ToHaveTextAsync($"Release #{verifying} moved to WaitingForResponse.");
        await Expect(detail.Locator("dd.state")).ToHaveTextAsync("WaitingForResponse");
        await Expect(detail.Locator("#history tr[data-to='WaitingForResponse']")).ToContainTextAsync("sw-rel-qc-team");
        await Expect(detail.Locator("#times tr[data-state='InVerification']")).ToBeVisibleAsync();
        Assert.Equal(RolloutProgress.WaitingForResponse, (await ReleaseAsync(hub, verifying)).Progress);
        await DashboardBrowser.ScreenshotAsync(detail, "release");

        // The board, never reloaded, has the card in its new column.
        await Expect(Card(board, RolloutProgress.WaitingForResponse, verifying)).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(Card(board, RolloutProgress.InVerification, verifying)).ToHaveCountAsync(0);
        Assert.True(await board.EvaluateAsync<bool>("() => window.notReloaded === true"));

        // A move the table does not have comes back saying why; one without the anti-forgery token is refused.
        string token = (await detail.GetAttributeAsync("input[name=__csrf]", "value"))!;
        IAPIResponse refused = await detail.APIRequest.PostAsync(DashboardBrowser.Url(root, $"/releases/{submitted}/move"), new APIRequestContextOptions
        {
            Form = detail.APIRequest.CreateFormData().Set("__csrf", token).Set("to", "Production"),
            MaxRedirects = 0,
        });
        Assert.Equal((int)HttpStatusCode.Redirect, refused.Status);
        Assert.Contains(Uri.EscapeDataString($"Release #{submitted} not moved to Production: Submitted -> Production is not an allowed transition"), refused.Headers["location"], StringComparison.Ordinal);
        IAPIResponse forged = await detail.APIRequest.PostAsync(DashboardBrowser.Url(root, $"/releases/{submitted}/move"), new APIRequestContextOptions
        {
            Form = detail.APIRequest.CreateFormData().Set("to", "Ignored"),
        });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(RolloutProgress.Submitted, (await ReleaseAsync(hub, submitted)).Progress);
    }

    private static ILocator Card(IPage page, RolloutProgress state, long release) =>
        page.Locator($"#board section[data-state='{state}'] li[data-release='{release}']");

    /// <summary>A release of <paramref name="major"/> with its release.xml and package, moved to InVerification through the API.</summary>
    private static async Task<long> InVerificationAsync(TestHub hub, string major, string title)
    {
        long id = await CreateAsync(hub, null, title: title);
        HttpResponseMessage xml = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey,
            Xml("1.0." + id, major, new Dictionary<string, byte[]> { ["rpms/foo.rpm"] = Rpm }, dist: "d" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        HttpResponseMessage rpm = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=rpms/foo.rpm", ProviderKey, Rpm);
        Assert.Equal(HttpStatusCode.Created, rpm.StatusCode);
        await MoveAsync(hub, id, "Unverified", ProviderKey);
        await MoveAsync(hub, id, "InVerification", QcKey);
        return id;
    }
}
