using System.Net;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Playwright;
using static Hub.Functions.Tests.Support.PlaybookConfig;
using static Microsoft.Playwright.Assertions;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// Sign-in and the incidents page in a real browser (issue #15): a page without a session goes to sign-in; an operator
/// signs in with an API key, watches an incident escalate from the tech lead to the team lead without reloading, and
/// acknowledges it, records the SCRUM and posts a status update from the page; a read-only role sees no action
/// button; an action without the anti-forgery token is refused.
/// </summary>
public sealed class DashboardBrowserTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    [Fact]
    public async Task Incidents_OperatorWatchesEscalationAndActsFromThePage_ReaderSeesNoButton_NoTokenIsRefused()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "30s")));
        long ticket = await IncidentApiTests.TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Ledger down", service = "ledger" }));
        await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.Paging, TimeSpan.FromSeconds(10));

        // The operator, first so that the tech lead's 30 s cannot have passed on a loaded machine, sees it paging the
        // tech lead with a live countdown; the page, never reloaded, shows the team lead paged once they pass.
        IPage page = await browser.SignInAsync(hub.Client.BaseAddress!, OperatorKey);
        ILocator row = page.Locator($"tr[data-ticket='{ticket}']");
        Assert.Equal("paging", await row.Locator("td.status").InnerTextAsync());
        Assert.Equal("urgent", await row.Locator("td.severity").InnerTextAsync());
        Assert.Equal("alice@example.org", await row.Locator("td.paged").InnerTextAsync());
        string first = await row.Locator("[data-deadline]").InnerTextAsync();
        await page.WaitForFunctionAsync("t => document.querySelector('[data-deadline]').textContent !== t", first);
        Assert.Matches(@"^\d+ min \d\d s$", await row.Locator("[data-deadline]").InnerTextAsync());
        await page.EvaluateAsync("() => window.notReloaded = true");
        await page.WaitForFunctionAsync(
            $"() => document.querySelector(\"tr[data-ticket='{ticket}'] td.paged\")?.textContent === 'tess@example.org'", null, new() { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        await DashboardBrowser.ScreenshotAsync(page, "incidents");

        // Without a session: to sign-in. A wrong key: refused on the form.
        IPage anonymous = await browser.NewPageAsync();
        await anonymous.GotoAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, "/"));
        Assert.EndsWith("/sign-in?return=%2F", anonymous.Url, StringComparison.Ordinal);
        // The root's route (an optional parameter only "" satisfies) takes no other path.
        using (HttpResponseMessage unknown = await hub.Client.GetAsync(new Uri("/no-such-page", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        await anonymous.FillAsync("#key", "not-a-key-0123456789");
        await anonymous.ClickAsync("button[type=submit]");
        Assert.Equal("That API key is not valid.", await anonymous.InnerTextAsync("[role=alert]"));
        await DashboardBrowser.ScreenshotAsync(anonymous, "sign-in");

        // A reader sees the incident, and no action.
        IPage reader = await browser.SignInAsync(hub.Client.BaseAddress!, ReaderKey);
        Assert.Equal(1, await reader.Locator($"tr[data-ticket='{ticket}']").CountAsync());
        Assert.Empty(await reader.QuerySelectorAllAsync("main form"));

        // The same form posted without its token, with the operator's cookie: refused, nothing acknowledged.
        IAPIResponse forged = await page.APIRequest.PostAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, $"/incidents/{ticket}/acknowledge"), new APIRequestContextOptions { Form = page.APIRequest.CreateFormData() });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(IncidentStatus.Paging, (await IncidentApiTests.ReadAsync(hub, ticket)).Status);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Acknowledge #{ticket}" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync($"#{ticket} acknowledged.");
        Assert.Equal("acknowledged", await row.Locator("td.status").InnerTextAsync());
        Assert.StartsWith("Acknowledged by test-operator", await row.Locator("td.level").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Acknowledged, (await IncidentApiTests.ReadAsync(hub, ticket)).Status);

        // The SCRUM and a status update, from the keyboard: open the fold, type, Enter.
        await row.Locator("summary", new() { HasText = "SCRUM" }).ClickAsync();
        await page.FillAsync($"#attendees-{ticket}", "alice, tess");
        await page.FillAsync($"#plan-{ticket}", "Fail over to the standby ledger");
        await page.FocusAsync($"#attendees-{ticket}");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync($"#{ticket} SCRUM recorded.");
        StringAssert(await row.Locator("td.scrum").InnerTextAsync(), "Fail over to the standby ledger");
        IncidentState scrummed = await IncidentApiTests.ReadAsync(hub, ticket);
        Assert.Equal(["alice", "tess"], scrummed.Scrum!.Attendees);

        await row.Locator("summary", new() { HasText = "Status update" }).ClickAsync();
        await page.FillAsync($"#text-{ticket}", "Standby ledger is taking writes");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Post status for #{ticket}" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync($"#{ticket} status posted.");
        StringAssert(await row.Locator("td.update").InnerTextAsync(), "Standby ledger is taking writes");
        Assert.Equal("Standby ledger is taking writes", (await IncidentApiTests.ReadAsync(hub, ticket)).Updates[^1].Text);

        // A SCRUM without attendees is refused by the incident's rules, and the page says why.
        IAPIResponse empty = await page.APIRequest.PostAsync(
            DashboardBrowser.Url(hub.Client.BaseAddress!, $"/incidents/{ticket}/scrum"),
            new APIRequestContextOptions { Form = page.APIRequest.CreateFormData().Set("__csrf", (await page.GetAttributeAsync("input[name=__csrf]", "value"))!).Set("plan", "x"), MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Redirect, empty.Status);
        Assert.Contains($"%23{ticket}%3A%20not%20SCRUM%20recorded", empty.Headers["location"], StringComparison.Ordinal);

        // Sign-out ends the session: the next page is sign-in again.
        await page.ClickAsync("header button[type=submit]");
        await page.GotoAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, "/"));
        Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal);
    }

    private static void StringAssert(string actual, string expected) => Assert.Contains(expected, actual, StringComparison.Ordinal);
}
