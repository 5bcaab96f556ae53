using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Functions.Dashboard;
using Hub.Functions.Tests.Support;
using Hub.Functions.Tickets;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// The tickets pages in a real browser (issue #15): the list filtered by queue, status and subject text through the
/// form, the sign-in keeping the asked-for query; a ticket's watchers, links, attachments (downloaded with the session)
/// and history, a new comment showing without a reload.
/// </summary>
public sealed class TicketPageTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    private const string OperatorKey = "operator-key-0123456789abcdef";
    private const string ReaderKey = "reader-key-0123456789abcdef";

    [Fact]
    public async Task Tickets_FilteredBySearchForm_TicketShowsWatchersLinksAttachmentsAndHistory_LiveComment()
    {
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?>
        {
            ["Hub__ApiKeys__test-operator"] = $"operator,integrator:{OperatorKey}",
            ["Hub__ApiKeys__test-reader"] = $"logs-reader:{ReaderKey}",
        });
        long invoices = await CreateAsync(hub, "Invoices wrong", "jane@example.com");
        long login = await CreateAsync(hub, "Login slow", "joe@example.com");
        await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{login}", new { status = "open", owner = "ops-amy" });
        await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{invoices}/comments", new { body = "Totals differ from the ledger.\nChecked March and April." });
        await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{invoices}/escalations", new { targetQueue = "ProductionDefect" });
        byte[] pdf = [0x25, 0x50, 0x44, 0x46, 0x00, 0xFF];
        using (var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{invoices}/attachments?fileName=invoice.pdf") { Content = new ByteArrayContent(pdf) })
        {
            upload.Content.Headers.ContentType = new("application/pdf");
            upload.Headers.Add("X-Api-Key", OperatorKey);
            Assert.Equal(System.Net.HttpStatusCode.Created, (await hub.Client.SendAsync(upload)).StatusCode);
        }

        // The escalation's internal copy is made after the commit; wait for the link before looking.
        await HubState.WaitUntilAsync(async () => (await ReadAsync(hub, invoices)).GetProperty("ticket").GetProperty("links").GetArrayLength() == 1);
        long copy = (await ReadAsync(hub, invoices)).GetProperty("ticket").GetProperty("links")[0].GetProperty("number").GetInt64();

        // Sign-in keeps the asked-for list with its query.
        IPage page = await browser.SignInAsync(hub.Client.BaseAddress!, ReaderKey, "/tickets?status=open");
        Assert.EndsWith("/tickets?status=open", page.Url, StringComparison.Ordinal);
        Assert.Equal([$"{login}"], await Numbers(page));
        Assert.Equal("ops-amy", await page.Locator($"tr[data-ticket='{login}'] td:nth-child(6)").InnerTextAsync());

        // The form: any status, the Customer-Support queue, "invoice" in the subject; Enter submits.
        await page.SelectOptionAsync("#status", "");
        await page.SelectOptionAsync("#queue", "Customer-Support");
        await page.FillAsync("#q", "invoice");
        await page.PressAsync("#q", "Enter");
        await page.WaitForURLAsync(url => url.Contains("q=invoice", StringComparison.Ordinal));
        Assert.Equal([$"{invoices}"], await Numbers(page));
        await page.SelectOptionAsync("#queue", "");
        await page.FillAsync("#q", "");
        await page.ClickAsync("form.search button");
        await page.WaitForURLAsync(url => !url.Contains("q=invoice", StringComparison.Ordinal));
        Assert.Equal([$"{invoices}", $"{login}", $"{copy}"], await Numbers(page));
        Assert.Equal("ProductionDefect", await page.Locator($"tr[data-ticket='{copy}'] td.queue").InnerTextAsync());
        await DashboardBrowser.ScreenshotAsync(page, "tickets");

        // The ticket: watchers, the link to the internal copy, the attachment, the history with the comment's text.
        await page.ClickAsync($"a[href='/tickets/{invoices}']");
        await Expect(page.Locator("h1")).ToHaveTextAsync($"#{invoices} Invoices wrong");
        await Expect(page.Locator("dl.watchers")).ToContainTextAsync("jane@example.com");
        Assert.Equal($"/tickets/{copy}", await page.GetByRole(AriaRole.Link, new() { Name = $"#{copy}" }).GetAttributeAsync("href"));
        Assert.Contains("Checked March and April.", await page.Locator("#history").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("files: invoice.pdf", await page.Locator("#history tr", new() { HasText = "FilesAttached" }).Locator("td.what").InnerTextAsync());
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#attachments a"));
        Assert.Equal("invoice.pdf", download.SuggestedFilename);
        Assert.Equal(pdf, await File.ReadAllBytesAsync((await download.PathAsync())!));

        // A comment added elsewhere shows in the open page without a reload.
        await page.EvaluateAsync("() => window.notReloaded = true");
        await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{invoices}/comments", new { body = "Fixed in the ledger export." });
        await Expect(page.Locator("#history")).ToContainTextAsync("Fixed in the ledger export.", new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        await DashboardBrowser.ScreenshotAsync(page, "ticket");

        // A number with no ticket is a page saying so, with a 404.
        IResponse? missing = await page.GotoAsync(DashboardBrowser.Url(hub.Client.BaseAddress!, "/tickets/9999"));
        Assert.Equal(404, missing!.Status);
        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync("There is no ticket #9999.");
    }

    [Fact]
    public void List_FullPage_LinksTheNextPageKeepingTheFilter()
    {
        var session = new DashboardSession(new Hub.Functions.Security.ApiCaller("amy", new HashSet<Role> { Role.Operator }), "s", "t", DateTimeOffset.UnixEpoch);
        string html = TicketsHtml.List(session, Config, new TicketFilter("Customer-Support", null, null, "a b"), 50,
            [new TicketSummary(51, "Customer-Support", "a b c", "new", 50, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)], "51");

        Assert.Contains("""<a rel="next" href="/tickets?queue=Customer-Support&amp;q=a%20b&amp;continuation=51">Next page</a>""", html, StringComparison.Ordinal);
        Assert.Contains("1 ticket after #50", html, StringComparison.Ordinal);
    }

    private static readonly HubConfiguration Config = new(
        [], [new QueueDefinition("Customer-Support", "default", [])], [], new MailIntakeDefinition([], [], [], [], "Customer-Support", "Customer-Support"),
        new AlertIntakeDefinition("Customer-Support", [], new SeverityMapping("default", 30, AlertClassification.Informational)), []);

    private static async Task<string[]> Numbers(IPage page) =>
        [.. await page.Locator("#tickets tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.ticket)")];

    private static async Task<long> CreateAsync(TestHub hub, string subject, string requestor)
    {
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", new { queue = "Customer-Support", subject, body = "Please.", requestors = new[] { requestor } });
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("number").GetInt64();
    }

    private static async Task<JsonElement> ReadAsync(TestHub hub, long number)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tickets/{number}");
        request.Headers.Add("X-Api-Key", ReaderKey);
        return JsonDocument.Parse(await (await hub.Client.SendAsync(request)).Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", OperatorKey);
        HttpResponseMessage response = await hub.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
