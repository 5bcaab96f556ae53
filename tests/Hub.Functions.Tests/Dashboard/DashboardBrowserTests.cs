using System.Net;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Playwright;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (issue #15, first pages): Debian's Chromium driven by Playwright against a running
/// hub. A page without a session goes to sign-in; an operator signs in with an API key, sees an incident being paged
/// with its live time left to acknowledge, and acknowledges it from the page; a read-only role sees no action button;
/// an action without the anti-forgery token is refused.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // Root in a container has no user namespace for Chromium's sandbox.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task Incidents_OperatorSignsInAndAcknowledgesFromThePage_ReaderSeesNoButton_NoTokenIsRefused()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        long ticket = await IncidentApiTests.TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Ledger down", service = "ledger" }));
        await IncidentApiTests.WaitForAsync(hub, ticket, s => s.Status == IncidentStatus.Paging, TimeSpan.FromSeconds(10));
        string home = hub.Client.BaseAddress!.AbsoluteUri;

        // Without a session: to sign-in. A wrong key: refused on the form.
        IPage anonymous = await NewPageAsync();
        await anonymous.GotoAsync(home);
        Assert.EndsWith("/sign-in?return=%2F", anonymous.Url, StringComparison.Ordinal);
        await anonymous.FillAsync("#key", "not-a-key-0123456789");
        await anonymous.ClickAsync("button[type=submit]");
        Assert.Equal("That API key is not valid.", await anonymous.InnerTextAsync("[role=alert]"));

        // A reader sees the incident, and no button.
        IPage reader = await SignInAsync(home, ReaderKey);
        IElementHandle readerRow = (await reader.QuerySelectorAsync($"tr[data-ticket='{ticket}']"))!;
        Assert.NotNull(readerRow);
        Assert.Empty(await reader.QuerySelectorAllAsync("form[action$='/acknowledge']"));

        // The operator sees it paged, with a live countdown, and acknowledges it.
        IPage page = await SignInAsync(home, OperatorKey);
        ILocator row = page.Locator($"tr[data-ticket='{ticket}']");
        Assert.Equal("paging", await row.Locator("td.status").InnerTextAsync());
        Assert.Contains("Ledger down", await row.InnerTextAsync(), StringComparison.Ordinal);
        string first = await row.Locator("[data-deadline]").InnerTextAsync();
        await page.WaitForFunctionAsync("t => document.querySelector('[data-deadline]').textContent !== t", first);
        Assert.Matches(@"^\d+ min \d\d s$", await row.Locator("[data-deadline]").InnerTextAsync());

        // The same form posted without its token, with the operator's cookie: refused, nothing acknowledged.
        IAPIResponse forged = await page.APIRequest.PostAsync($"{home}incidents/{ticket}/acknowledge", new APIRequestContextOptions { Form = page.APIRequest.CreateFormData() });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(IncidentStatus.Paging, (await IncidentApiTests.ReadAsync(hub, ticket)).Status);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Acknowledge #{ticket}" }).ClickAsync();
        Assert.Equal($"#{ticket} acknowledged.", await page.InnerTextAsync("[role=status]"));
        Assert.Equal("acknowledged", await page.Locator($"tr[data-ticket='{ticket}'] td.status").InnerTextAsync());
        Assert.StartsWith("Acknowledged by test-operator", await page.Locator($"tr[data-ticket='{ticket}'] td.level").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Acknowledged, (await IncidentApiTests.ReadAsync(hub, ticket)).Status);

        // Sign-out ends the session: the next page is sign-in again.
        await page.ClickAsync("header button[type=submit]");
        await page.GotoAsync(home);
        Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal);
    }

    private async Task<IPage> NewPageAsync() => await (await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } })).NewPageAsync();

    private async Task<IPage> SignInAsync(string home, string key)
    {
        IPage page = await NewPageAsync();
        await page.GotoAsync(home);
        await page.FillAsync("#key", key);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("h1:has-text('Open incidents')");
        return page;
    }
}
