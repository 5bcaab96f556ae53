using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;
using Hub.Functions.Configuration;
using Hub.Functions.Notifications;
using Hub.Testing;

namespace Hub.Functions.Tests.Notifications;

/// <summary>The optional SMTP sender against a tiny SMTP server (RFC 5321 happy path) written here.</summary>
public sealed class SmtpSenderTests
{
    [Fact]
    public async Task Send_Notification_TransfersOneMultipartMailWithTheHubHeadersToEveryRecipient()
    {
        HubConfiguration config = HubConfigurationLoader.Load(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<(List<string> Commands, string Data)> server = ServeOneAsync(listener);
        var sender = new SmtpSender(new EmailOptions { Sender = "smtp", SmtpHost = "127.0.0.1", SmtpPort = port, SmtpEnableSsl = false });
        var notification = new TicketNotification(7, "ProductionDefect", "incident-status", "internal", ["ops@example.org"], ["mirror@example.org"],
            "[hub #7] Status update: Archive slow", "Failover done.", null);

        await sender.SendAsync(MailTemplates.Render("incident:7/0001", notification, config), CancellationToken.None);
        (List<string> commands, string data) = await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("MAIL FROM:<hub@example.org>", commands);
        Assert.Contains("RCPT TO:<ops@example.org>", commands);
        Assert.Contains("RCPT TO:<mirror@example.org>", commands);
        Assert.Contains($"{MailThreading.LoopHeader}: integration-hub", data, StringComparison.Ordinal);
        Assert.Contains("X-Hub-Outbox-Id: incident:7/0001", data, StringComparison.Ordinal);
        Assert.Contains("Subject: [hub #7] Status update: Archive slow", data, StringComparison.Ordinal);
        Assert.Contains("multipart/alternative", data, StringComparison.Ordinal);
        Assert.Contains("text/plain", data, StringComparison.Ordinal);
        Assert.Contains("text/html", data, StringComparison.Ordinal);
        Assert.DoesNotContain("mirror@example.org", data.Split("\r\n\r\n")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_SubjectAndHeaderWithLineBreaks_TheTemplateCollapsesThemAndTheMailIsTransferred()
    {
        HubConfiguration config = HubConfigurationLoader.Load(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<(List<string> Commands, string Data)> server = ServeOneAsync(listener);
        var sender = new SmtpSender(new EmailOptions { Sender = "smtp", SmtpHost = "127.0.0.1", SmtpPort = port, SmtpEnableSsl = false });
        var notification = new TicketNotification(7, "ProductionDefect", "incident-task", "internal", ["dba@example.org"], [],
            "[hub #7] Task from the Tech Lead: check\r\nthe\tdisk\u0000array", "Check it.", "<parent@example.org>\r\nBcc: x@example.org");

        OutgoingMail mail = MailTemplates.Render("incident:7/0002", notification, config);
        await sender.SendAsync(mail, CancellationToken.None);
        (_, string data) = await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("[hub #7] Task from the Tech Lead: check the disk array", mail.Subject);
        Assert.Equal("<parent@example.org> Bcc: x@example.org", mail.Headers["In-Reply-To"]);
        Assert.Contains("Subject: [hub #7] Task from the Tech Lead: check the disk array", data, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\nBcc:", data.Split("\r\n\r\n")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_MailSystemNetMailCannotBuild_IsAPermanentFailureNotARetry()
    {
        var sender = new SmtpSender(new EmailOptions { Sender = "smtp", SmtpHost = "127.0.0.1", SmtpPort = 1, SmtpEnableSsl = false });
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

    // Answers one session: greeting, EHLO, MAIL, RCPT..., DATA up to the lone dot, QUIT.
    private static async Task<(List<string>, string)> ServeOneAsync(TcpListener listener)
    {
        using TcpClient client = await listener.AcceptTcpClientAsync();
        using NetworkStream stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var commands = new List<string>();
        var data = new StringBuilder();
        await writer.WriteLineAsync("220 test.local ESMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            commands.Add(line);
            string verb = line.Split(' ', ':')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                case "HELO":
                    await writer.WriteLineAsync("250 test.local");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    while (await reader.ReadLineAsync() is { } body && body != ".")
                    {
                        data.Append(body).Append("\r\n");
                    }

                    await writer.WriteLineAsync("250 2.0.0 queued as " + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return (commands, data.ToString());
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }

        return (commands, data.ToString());
    }
}
