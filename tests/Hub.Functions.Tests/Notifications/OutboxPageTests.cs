using System.Net;
using Hub.Functions.Tests.Support;

namespace Hub.Functions.Tests.Notifications;

/// <summary>GET /outbox: the development mail outbox as a page.</summary>
public sealed class OutboxPageTests
{
    [Fact]
    public async Task Outbox_AfterATicketMail_ListsItAsHtmlForARoleAndRefusesAnonymous()
    {
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub__ApiKeys__test-operator"] = "operator:operator-key-0123456789abcdef" });
        await PlaybookConfig.SendAsync(hub, HttpMethod.Post, "/api/tickets", "operator-key-0123456789abcdef", new
        {
            queue = "Customer-Support", subject = "Printer <on fire>", body = "Smoke.", requestors = new[] { "jane@example.com" },
        });

        HttpResponseMessage page = await PlaybookConfig.SendAsync(hub, HttpMethod.Get, "/outbox", "operator-key-0123456789abcdef");
        HttpResponseMessage anonymous = await hub.Client.GetAsync(new Uri("/outbox", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<summary>[hub #1] Printer &lt;on fire&gt;</summary>", html, StringComparison.Ordinal);
        Assert.Contains("<td>jane@example.com</td>", html, StringComparison.Ordinal);
        Assert.Contains("<p>1 mails, newest first.</p>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
