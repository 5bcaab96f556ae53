using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;
using Hub.Functions.Intake.Mail;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.HubState;

namespace Hub.Functions.Tests.Intake.Mail;

/// <summary>Mail webhooks end to end: HTTP, basic auth, attachments to blobs, the work queue, mail threads and durable tickets in Azurite.</summary>
public sealed class MailIntakeTests
{
    private const string Credentials = "sendgrid:parse-secret-0123456789";

    // base64("sendgrid:parse-secret-0123456789"), computed by hand rather than by the code under test.
    private const string BasicAuth = "c2VuZGdyaWQ6cGFyc2Utc2VjcmV0LTAxMjM0NTY3ODk=";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Mail_NewMailToIsdaSupport_OpensCustomerSupportTicketWithRequestor()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, Mail(
            "Élodie Martin <elodie@client.example.fr>", "isda-support@example.org", "Portal down", "The portal is down.",
            messageId: "m1@client.example.fr", cc: "boss@client.example.fr, isda-support@example.org"));
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Customer-Support", ticket.Queue);
        Assert.Equal("Portal down", ticket.Subject);
        Assert.Equal(["elodie@client.example.fr"], ticket.Requestors);
        Assert.Equal(["boss@client.example.fr"], ticket.Cc);
        Assert.Equal("mail", ticket.Source);
        Assert.Equal(["<m1@client.example.fr>"], ticket.MessageIds);
        Assert.Contains("created", await NotificationsAsync(hub, 1, atLeast: 1));
    }

    [Fact]
    public async Task Mail_SameMailDeliveredThreeTimesConcurrently_OneTicket()
    {
        await using TestHub hub = await StartAsync();
        byte[] body = FormBody.Build(Mail("customer@client.example.com", "isda-support@example.org", "Once only", "Hello", messageId: "once@client.example.com"));

        HttpStatusCode[] codes = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => (await PostAsync(hub, body)).StatusCode));
        // Concurrent deliveries may each reserve a number; the one that wins is the ticket (gaps, never two tickets).
        await WaitUntilAsync(async () => (await TicketNumbersAsync(hub)).Length >= 1);
        await WaitForIdleAsync(hub);

        Assert.All(codes, c => Assert.Equal(HttpStatusCode.Accepted, c));
        long number = Assert.Single(await TicketNumbersAsync(hub));
        Assert.Single(await HistoryAsync(hub, number), e => e.Type == nameof(TicketCreated));
    }

    [Fact]
    public async Task Mail_WithoutMessageIdDeliveredTwice_OneTicket()
    {
        await using TestHub hub = await StartAsync();
        byte[] body = FormBody.Build(Mail("customer@client.example.com", "isda-support@example.org", "No id", "Hello"));

        await PostAsync(hub, body);
        await PostAsync(hub, body);
        await WaitUntilAsync(async () => (await TicketNumbersAsync(hub)).Length >= 1);
        await WaitForIdleAsync(hub);

        Assert.Single(await TicketNumbersAsync(hub));
    }

    [Fact]
    public async Task Mail_ToMapSupport_OpensProductionDefectTicket()
    {
        await using TestHub hub = await StartAsync();

        await PostAsync(hub, Mail("customer@client.example.com", "Map Support <map-support@example.org>", "Wrong tiles at zoom 12", "Tiles are wrong."));
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal("ProductionDefect", ticket.Queue);
    }

    [Fact]
    public async Task Mail_DeploymentRequestToMapSupport_OpensProductionDeployTicketWithFieldsFromTheBody()
    {
        await using TestHub hub = await StartAsync();

        await PostAsync(hub, Mail("dev@partner.example.com", "map-support@example.org", "Deployment request: portal 2.4", "Please deploy.\nService: portal\nTier: prod\n"));
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal("ProductionDeploy", ticket.Queue);
        Assert.Equal("portal", ticket.CustomFields["Service"]);
        Assert.Equal("PROD", ticket.CustomFields["Tier"]);
    }

    [Fact]
    public async Task Mail_DeploymentRequestWithoutRequiredFields_StaysInRoutedQueueWithANote()
    {
        await using TestHub hub = await StartAsync();

        await PostAsync(hub, Mail("dev@partner.example.com", "map-support@example.org", "Request to deploy portal", "Please deploy."));
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal("ProductionDefect", ticket.Queue);
        TicketCreated created = Assert.IsType<TicketCreated>(await FirstEventAsync(hub, 1));
        Assert.Contains("Rule 'deployment-requests' matched", created.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_ReplyWithSubjectTag_CorrespondenceOnThatTicket()
    {
        await using TestHub hub = await StartAsync();
        await PostAsync(hub, Mail("customer@client.example.com", "isda-support@example.org", "Login fails", "Cannot log in.", messageId: "a1@client.example.com"));
        await WaitForTicketAsync(hub, 1);

        await PostAsync(hub, Mail("customer@client.example.com", "isda-support@example.org", "RE: [hub #1] Login fails", "Still failing.", messageId: "a2@client.example.com"));
        await WaitUntilAsync(async () => (await HistoryAsync(hub, 1)).Any(e => e.Type == nameof(Corresponded)));

        Assert.Single(await TicketNumbersAsync(hub));
        Corresponded reply = Data<Corresponded>((await HistoryAsync(hub, 1)).Single(e => e.Type == nameof(Corresponded)));
        Assert.Equal("Still failing.", reply.Body);
        Assert.Equal("customer@client.example.com", reply.From);
        Assert.Equal("<a2@client.example.com>", reply.MessageId);
    }

    [Fact]
    public async Task Mail_CustomerReplyToResolvedTicket_ReopensIt_ButAnAutoReplyDoesNot()
    {
        await using TestHub hub = await StartAsync();
        await PostAsync(hub, Mail("customer@client.example.com", "isda-support@example.org", "Report broken", "The report is empty.", messageId: "r1@client.example.com"));
        await WaitForTicketAsync(hub, 1);
        await Tickets(hub).HandleAsync("1", "test-open", new ChangeStatus(new Actor("op", Role.Operator), "open"), "op", CancellationToken.None);
        await Tickets(hub).HandleAsync("1", "test-resolve", new ChangeStatus(new Actor("op", Role.Operator), "resolved"), "op", CancellationToken.None);

        await PostAsync(hub, Mail(
            "customer@client.example.com", "isda-support@example.org", "Auto: [hub #1] Report broken", "I am away.",
            messageId: "r2@client.example.com", extraHeaders: "Auto-Submitted: auto-replied\r\n"));
        await WaitUntilAsync(async () => (await HistoryAsync(hub, 1)).Count(e => e.Type == nameof(Corresponded)) == 1);
        string afterAutoReply = (await TicketAsync(hub, 1))!.Status;
        await PostAsync(hub, Mail("customer@client.example.com", "isda-support@example.org", "Re: [hub #1] Report broken", "Still empty today.", messageId: "r3@client.example.com"));
        await WaitUntilAsync(async () => (await TicketAsync(hub, 1))!.Status == "open");

        Assert.Equal("resolved", afterAutoReply);
        StatusChanged reopened = Data<StatusChanged>((await HistoryAsync(hub, 1)).Last(e => e.Type == nameof(StatusChanged)));
        Assert.Equal(("resolved", "open", "customer@client.example.com"), (reopened.From, reopened.To, reopened.Actor));
    }

    [Fact]
    public async Task Mail_ReplyWithInReplyToOnly_ThreadsToTheTicketOfThatMessage()
    {
        await using TestHub hub = await StartAsync();
        await PostAsync(hub, Mail("customer@client.example.com", "isda-support@example.org", "Invoice missing", "Where is it?", messageId: "b1@client.example.com"));
        await WaitForTicketAsync(hub, 1);

        await PostAsync(hub, Mail(
            "customer@client.example.com", "isda-support@example.org", "Re: Invoice missing", "Any news?",
            messageId: "b2@client.example.com", extraHeaders: "In-Reply-To: <b1@client.example.com>\r\nReferences: <b1@client.example.com>\r\n"));
        await WaitUntilAsync(async () => (await HistoryAsync(hub, 1)).Any(e => e.Type == nameof(Corresponded)));

        Assert.Single(await TicketNumbersAsync(hub));
    }

    [Fact]
    public async Task Mail_TaggedReplyFromInternalSender_CommentNotCorrespondence()
    {
        await using TestHub hub = await StartAsync();
        await PostAsync(hub, Mail("customer@client.example.com", "isda-support@example.org", "Data export", "Export is empty.", messageId: "c1@client.example.com"));
        await WaitForTicketAsync(hub, 1);

        await PostAsync(hub, Mail("Tech Lead <tech-lead@example.org>", "isda-support@example.org", "[hub #1] Data export", "Known bug, fix on Monday.", messageId: "c2@example.org"));
        await WaitUntilAsync(async () => (await HistoryAsync(hub, 1)).Any(e => e.Type == nameof(Commented)));

        IReadOnlyList<EventRecord> history = await HistoryAsync(hub, 1);
        Assert.DoesNotContain(history, e => e.Type == nameof(Corresponded));
        Assert.Equal("tech-lead@example.org", history.Single(e => e.Type == nameof(Commented)).Actor);
    }

    [Fact]
    public async Task Mail_AutoSubmitted_RecordedWithFlagAndNoNotification()
    {
        await using TestHub hub = await StartAsync();

        await PostAsync(hub, Mail(
            "noreply@client.example.com", "isda-support@example.org", "Out of office", "I am away.",
            extraHeaders: "Auto-Submitted: auto-replied\r\n"));
        await WaitForTicketAsync(hub, 1);

        TicketCreated created = Assert.IsType<TicketCreated>(await FirstEventAsync(hub, 1));
        Assert.True(created.AutoSubmitted);
        Assert.DoesNotContain(await OutboxKindsAsync(hub, 1), k => k == TicketDecider.NotifyEffect);
        Assert.Empty(await NotificationsAsync(hub, 1, atLeast: 0));
    }

    [Fact]
    public async Task Mail_OwnLoopHeaderWithoutTicket_SetAsideNeverATicket()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, Mail(
            "hub@example.org", "isda-support@example.org", "Your request", "Bounced notification", messageId: "loop1@hub.example.org",
            extraHeaders: "X-Hub-Loop: hub\r\n"));
        var threads = hub.App.Services.GetRequiredService<AggregateProcessor<MailThreadState, MailThreadCommand, MailThreadEvent>>();
        await WaitUntilAsync(async () => (await threads.GetAsync("loop1@hub.example.org"))?.State.Recorded == true);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("set-aside", (await threads.GetAsync("loop1@hub.example.org"))!.State.Status);
        Assert.Empty(await TicketNumbersAsync(hub));
    }

    [Fact]
    public async Task Mail_MonitoringSenderTwiceSameSubject_OneInternalTicketAndAComment()
    {
        await using TestHub hub = await StartAsync();
        await PostAsync(hub, Mail("alertmanager@example.org", "map-support@example.org", "[FIRING] Disk full on db1", "Disk 95%.", messageId: "am1@example.org"));
        await WaitForTicketAsync(hub, 1);
        var monitors = hub.App.Services.GetRequiredService<AggregateProcessor<MailMonitorState, MailMonitorCommand, MailMonitorEvent>>();
        await WaitUntilAsync(async () => (await monitors.GetAsync(MailRouting.MonitoringKey("alertmanager@example.org", "[FIRING] Disk full on db1")))?.State.Ticket == 1);

        await PostAsync(hub, Mail("alertmanager@example.org", "map-support@example.org", "Re: [FIRING]  Disk full on DB1", "Disk 97%.", messageId: "am2@example.org"));
        await WaitUntilAsync(async () => (await HistoryAsync(hub, 1)).Any(e => e.Type == nameof(Commented)));

        Assert.Single(await TicketNumbersAsync(hub));
        TicketState ticket = (await TicketAsync(hub, 1))!;
        Assert.Equal("ProductionDefect", ticket.Queue);
        Assert.Empty(ticket.Requestors);
        Assert.True(Assert.IsType<TicketCreated>(await FirstEventAsync(hub, 1)).Internal);
    }

    [Fact]
    public async Task Mail_TenAttachments_StoredAsBlobsAndLinkedToTheTicket()
    {
        await using TestHub hub = await StartAsync();
        var parts = Mail("customer@client.example.com", "isda-support@example.org", "Logs", "Ten files attached.").ToList();
        var info = new Dictionary<string, object>();
        for (int i = 1; i <= 10; i++)
        {
            parts.Add(new FormPart($"attachment{i}", Encoding.UTF8.GetBytes($"log line {i}\n"), $"log{i}.txt", "text/plain"));
            info[$"attachment{i}"] = new { filename = $"log{i}.txt", type = "text/plain" };
        }

        parts.Add(FormPart.Text("attachments", "10"));
        parts.Add(FormPart.Text("attachment-info", JsonSerializer.Serialize(info)));

        HttpResponseMessage response = await PostAsync(hub, [.. parts]);
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(10, ticket.AttachmentCount);
        TicketCreated created = Assert.IsType<TicketCreated>(await FirstEventAsync(hub, 1));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"log{i}.txt"), created.Attachments.Select(a => a.FileName));
        var store = hub.App.Services.GetRequiredService<MailAttachmentStore>();
        AttachmentRef third = created.Attachments[2];
        // SHA-256 of "log line 3\n", computed with sha256sum.
        Assert.Equal("mail/" + Sha256Hex("log line 3\n"), third.BlobName);
        Assert.Equal("log line 3\n", (await store.Container.GetBlobClient(third.BlobName).DownloadContentOrDefaultAsync())!.ToString());
        Assert.Equal(11, third.Size);
    }

    [Fact]
    public async Task Mail_Iso88591SubjectAndText_DecodedOnTheTicket()
    {
        await using TestHub hub = await StartAsync();
        Encoding latin1 = Encoding.Latin1;

        await PostAsync(hub,
            new FormPart("from", Encoding.ASCII.GetBytes("client@client.example.fr")),
            new FormPart("to", Encoding.ASCII.GetBytes("isda-support@example.org")),
            new FormPart("subject", latin1.GetBytes("Problème d'accès")),
            new FormPart("text", latin1.GetBytes("Déjà signalé à l'équipe.")),
            FormPart.Text("charsets", """{"to":"UTF-8","from":"UTF-8","subject":"iso-8859-1","text":"iso-8859-1"}"""));
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal("Problème d'accès", ticket.Subject);
        Assert.Equal("Déjà signalé à l'équipe.", Assert.IsType<TicketCreated>(await FirstEventAsync(hub, 1)).Body);
    }

    [Fact]
    public async Task Mail_NoSubject_TicketNamedNoSubject()
    {
        await using TestHub hub = await StartAsync();

        await PostAsync(hub, FormPart.Text("from", "client@client.example.com"), FormPart.Text("to", "isda-support@example.org"), FormPart.Text("text", "See attached."));
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal("(no subject)", ticket.Subject);
    }

    [Fact]
    public async Task Mail_JsonFormat_OpensTicket()
    {
        await using TestHub hub = await StartAsync();
        const string json = """{"from":"client@client.example.com","to":["isda-support@example.org"],"subject":"From a relay","text":"Hi","messageId":"<j1@client.example.com>"}""";

        HttpResponseMessage response = await PostAsync(hub, new StringContent(json, Encoding.UTF8, "application/json"), BasicAuth);
        TicketState ticket = await WaitForTicketAsync(hub, 1);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("From a relay", ticket.Subject);
    }

    [Fact]
    public async Task Mail_JsonFormatWithInvalidUtf8InTheSubject_Answers422BodyUtf8AndStoresNothing()
    {
        await using TestHub hub = await StartAsync();
        // Sound JSON structure, a subject holding bytes that are no UTF-8 (which SendGrid would retry for ever on a 500).
        byte[] json = Encoding.UTF8.GetBytes("""{"from":"client@client.example.com","to":["isda-support@example.org"],"subject":"~~ bad","text":"Hi"}""");
        json[Array.IndexOf(json, (byte)'~')] = 0xFF;
        json[Array.IndexOf(json, (byte)'~')] = 0xFE;
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        HttpResponseMessage response = await PostAsync(hub, content, BasicAuth);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement error = Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(("body", "utf-8"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        Assert.Null(await TicketAsync(hub, 1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic c2VuZGdyaWQ6d3Jvbmc=")]
    [InlineData("Bearer parse-secret-0123456789")]
    public async Task Mail_WithoutTheRightBasicAuth_Answers401WithoutDetail(string? authorization)
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(
            hub, Content(FormBody.Build(Mail("a@client.example.com", "isda-support@example.org", "x", "y"))), authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(problem.RootElement.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task Mail_InvalidForm_Answers422NamingFieldsAndRules()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, FormPart.Text("subject", "No sender"), FormPart.Text("attachments", "two"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()}: {e.GetProperty("rule").GetString()}").ToList();
        Assert.Contains("from: required", errors);
        Assert.Contains("to: required", errors);
        Assert.Contains("attachments: integer", errors);
    }

    [Fact]
    public async Task Mail_BodyOverThirtyMegabytes_Answers413()
    {
        await using TestHub hub = await StartAsync();
        // 30 MB = 31,457,280 bytes; one more is over the limit.
        var content = new ByteArrayContent(new byte[31_457_281]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(FormBody.ContentType);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/mail") { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", $"Basic {BasicAuth}");
        // Expect: 100-continue, as large senders do: refused on Content-Length alone, the body is never sent. The
        // client waits for that answer: with HttpClient's default 1 s it sent the body to a hub slow on its first
        // request (a loaded machine), and the refused upload broke the connection before the 413 was read.
        request.Headers.ExpectContinue = true;
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = hub.Client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

        HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("31,457,280 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<TestHub> StartAsync() => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub__Secrets__MailBasicAuth"] = Credentials,
    });

    // A SendGrid Inbound Parse post: the fields, the raw header block and the envelope.
    private static FormPart[] Mail(string from, string to, string subject, string text, string? messageId = null, string? cc = null, string? extraHeaders = null)
    {
        string headers = $"From: {from}\r\nTo: {to}\r\n" + (cc is null ? "" : $"Cc: {cc}\r\n") + $"Subject: {subject}\r\n"
            + "Date: Mon, 3 Mar 2025 09:00:00 +0100\r\n"
            + (messageId is null ? "" : $"Message-ID: <{messageId}>\r\n") + (extraHeaders ?? "");
        string envelopeTo = to.Contains('<', StringComparison.Ordinal) ? to[(to.IndexOf('<', StringComparison.Ordinal) + 1)..^1] : to;
        var parts = new List<FormPart>
        {
            FormPart.Text("headers", headers),
            FormPart.Text("from", from),
            FormPart.Text("to", to),
            FormPart.Text("subject", subject),
            FormPart.Text("text", text),
            FormPart.Text("envelope", $$"""{"to":["{{envelopeTo}}"],"from":"x@client.example.com"}"""),
            FormPart.Text("charsets", """{"to":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"}"""),
        };
        if (cc is not null)
        {
            parts.Add(FormPart.Text("cc", cc));
        }

        return [.. parts];
    }

    private static Task<HttpResponseMessage> PostAsync(TestHub hub, params FormPart[] parts) => PostAsync(hub, FormBody.Build(parts));

    private static Task<HttpResponseMessage> PostAsync(TestHub hub, byte[] body) => PostAsync(hub, Content(body), BasicAuth);

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(FormBody.ContentType);
        return content;
    }

    private static async Task<HttpResponseMessage> PostAsync(TestHub hub, HttpContent content, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/mail") { Content = content };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.StartsWith("Basic ", StringComparison.Ordinal) || authorization.StartsWith("Bearer ", StringComparison.Ordinal)
                ? authorization
                : $"Basic {authorization}");
        }

        return await hub.Client.SendAsync(request);
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static T Data<T>(EventRecord record) => JsonSerializer.Deserialize<T>(record.Data, Json)!;

    private static async Task<TicketEvent> FirstEventAsync(TestHub hub, long number) =>
        JsonSerializer.Deserialize<TicketEvent>((await HistoryAsync(hub, number))[0].Data, Json)!;

    private static AggregateProcessor<TicketState, TicketCommand, TicketEvent> Tickets(TestHub hub) =>
        hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>();

    private static async Task<TicketState?> TicketAsync(TestHub hub, long number) =>
        (await Tickets(hub).GetAsync(number.ToString(CultureInfo.InvariantCulture)))?.State;

    private static async Task<IReadOnlyList<EventRecord>> HistoryAsync(TestHub hub, long number) =>
        (await Tickets(hub).HistoryAsync(number.ToString(CultureInfo.InvariantCulture))).Events;

    private static async Task<IReadOnlyList<string>> OutboxKindsAsync(TestHub hub, long number) =>
        [.. (await hub.App.Services.GetRequiredService<AggregateStore>().OutboxAsync(Tickets(hub).PartitionOf(number.ToString(CultureInfo.InvariantCulture)))).Select(r => r.Kind)];

    // The kinds of the notification mails ticket N put in the mail outbox; waits up to 10 s for at least that many.
    private static async Task<IReadOnlyList<string>> NotificationsAsync(TestHub hub, long number, int atLeast)
    {
        var outbox = (await Hub.Testing.Azurite.SharedAsync()).Account().GetBlobContainerClient(
            hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>().Table + "-outbox");
        // The mail's id is the outbox row's idempotency key: the ticket's partition, then the row.
        string key = $"ticket:{number.ToString(CultureInfo.InvariantCulture)}/";
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var kinds = new List<string>();
            try
            {
                await foreach (BlobItem blob in outbox.GetBlobsAsync(new GetBlobsOptions { Prefix = Hub.Functions.Notifications.BlobMailOutbox.SentPrefix }))
                {
                    using JsonDocument mail = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync())!.ToString());
                    if (mail.RootElement.GetProperty("id").GetString()!.StartsWith(key, StringComparison.Ordinal))
                    {
                        kinds.Add(mail.RootElement.GetProperty("mail").GetProperty("kind").GetString()!);
                    }
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // No mail queued yet: the container is created with the first one.
            }

            if (kinds.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                return kinds;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<TicketState> WaitForTicketAsync(TestHub hub, long number)
    {
        await WaitUntilAsync(async () => (await TicketAsync(hub, number)) is { Exists: true });
        return (await TicketAsync(hub, number))!;
    }

}
