using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Configuration;
using Hub.Functions.Notifications;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Functions.Tests.Notifications;

/// <summary>The optional SMTP sender (MailKit) against a real SMTP server, MailDev, reading what it received.</summary>
public sealed class SmtpSenderTests
{
    private static readonly HubConfiguration Config = HubConfigurationLoader.Load(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));

    private static SmtpSender Sender(int port) =>
        new(new EmailOptions { Sender = "smtp", SmtpHost = "127.0.0.1", SmtpPort = port, SmtpEnableSsl = false, Timeout = TimeSpan.FromSeconds(10) }, NullLogger<SmtpSender>.Instance);

    [Fact]
    public async Task Send_Notification_DeliversOneMultipartMailWithTheHubHeadersAndBccInTheEnvelopeOnly()
    {
        MailDev server = await MailDev.SharedAsync();
        string id = "incident:7/" + Guid.NewGuid().ToString("N");
        var notification = new TicketNotification(7, "ProductionDefect", "incident-status", "internal", ["ops@example.org"], ["mirror@example.org"],
            "[hub #7] Status update: Archive slow", "Failover done.", "<m7@example.org>");

        await Sender(server.SmtpPort).SendAsync(MailTemplates.Render(id, notification, Config), CancellationToken.None);
        JsonElement mail = Assert.Single(await server.WaitForAsync("X-Hub-Outbox-Id", id, TimeSpan.FromSeconds(10)));
        string source = await server.SourceAsync(mail.GetProperty("id").GetString()!);

        Assert.Equal(("hub@example.org", "Integration Hub"), (mail.GetProperty("from")[0].GetProperty("address").GetString(), mail.GetProperty("from")[0].GetProperty("name").GetString()));
        Assert.Equal(["ops@example.org"], mail.GetProperty("to").EnumerateArray().Select(a => a.GetProperty("address").GetString()));
        Assert.Equal(["ops@example.org", "mirror@example.org"], mail.GetProperty("envelope").GetProperty("to").EnumerateArray().Select(a => a.GetProperty("address").GetString()));
        Assert.Equal("[hub #7] Status update: Archive slow", mail.GetProperty("subject").GetString());
        JsonElement headers = mail.GetProperty("headers");
        Assert.Equal("integration-hub", headers.GetProperty("x-hub-loop").GetString());
        Assert.Equal("incident-status", headers.GetProperty("x-hub-kind").GetString());
        Assert.Equal("auto-generated", headers.GetProperty("auto-submitted").GetString());
        Assert.Equal("<m7@example.org>", headers.GetProperty("in-reply-to").GetString());
        string head = source[..source.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.Contains("Reply-To: map-support@example.org", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/alternative", head, StringComparison.Ordinal);
        Assert.DoesNotContain("mirror@example.org", head, StringComparison.Ordinal);
        Assert.StartsWith("Incident status update\n", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Failover done.", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><h2>Incident status update</h2><p>Failover done.</p>"
            + "<hr><p style=\"color:#666\">Reply to this mail to add to ticket #7; keep &quot;[hub #7]&quot; in the subject.<br>Integration Hub - ProductionDefect</p></body></html>",
            mail.GetProperty("html").GetString()?.TrimEnd('\n'));
    }

    [Fact]
    public async Task Send_SubjectAndHeaderWithLineBreaks_TheTemplateCollapsesThemAndTheMailIsDelivered()
    {
        MailDev server = await MailDev.SharedAsync();
        string id = "incident:7/" + Guid.NewGuid().ToString("N");
        var notification = new TicketNotification(7, "ProductionDefect", "incident-task", "internal", ["dba@example.org"], [],
            "[hub #7] Task from the Tech Lead: check\r\nthe\tdisk\u0000array", "Check it.", "<parent@example.org>\r\nBcc: x@example.org");

        OutgoingMail rendered = MailTemplates.Render(id, notification, Config);
        await Sender(server.SmtpPort).SendAsync(rendered, CancellationToken.None);
        JsonElement mail = Assert.Single(await server.WaitForAsync("X-Hub-Outbox-Id", id, TimeSpan.FromSeconds(10)));
        string source = await server.SourceAsync(mail.GetProperty("id").GetString()!);

        Assert.Equal("[hub #7] Task from the Tech Lead: check the disk array", mail.GetProperty("subject").GetString());
        Assert.Equal(["dba@example.org"], mail.GetProperty("envelope").GetProperty("to").EnumerateArray().Select(a => a.GetProperty("address").GetString()));
        Assert.DoesNotContain("\r\nBcc:", source[..source.IndexOf("\r\n\r\n", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_MailThatCannotBeBuilt_IsAPermanentFailureNotARetry()
    {
        SmtpSender sender = Sender(Azurite.FreePort());
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["X-Hub-Kind"] = "incident-task" };
        var lineBreak = new OutgoingMail("incident:7/0003", "hub@example.org", "Hub", "hub@example.org", ["dba@example.org"], [],
            "two\r\nlines", "text", "<p>html</p>", headers, []);
        var badAddress = lineBreak with { Subject = "one line", To = ["not an address"] };

        MailSendException subject = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(lineBreak, CancellationToken.None));
        MailSendException address = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(badAddress, CancellationToken.None));

        Assert.True(subject.Permanent);
        Assert.True(address.Permanent);
        Assert.Contains("incident:7/0003", subject.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NoServerListening_IsATransientFailureForTheSweeper()
    {
        int port = Azurite.FreePort();
        var mail = new OutgoingMail("incident:7/0004", "hub@example.org", "Hub", "hub@example.org", ["dba@example.org"], [],
            "one line", "text", "<p>html</p>", new Dictionary<string, string>(StringComparer.Ordinal), []);

        MailSendException error = await Assert.ThrowsAsync<MailSendException>(() => Sender(port).SendAsync(mail, CancellationToken.None));

        Assert.False(error.Permanent);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
