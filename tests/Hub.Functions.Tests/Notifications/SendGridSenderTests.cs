using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Configuration;
using Hub.Functions.Notifications;
using Hub.Functions.Outbound;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Functions.Tests.Notifications;

/// <summary>The SendGrid v3 Mail Send client against a local server implementing the documented contract.</summary>
public sealed class SendGridSenderTests : IDisposable
{
    private static readonly HubConfiguration Config = HubConfigurationLoader.Load(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));

    private static readonly TicketNotification Page = new(
        42, "ProductionDefect", "incident-page", "internal", ["alice@example.org"], ["amit-auto-defect@example.org"],
        "[hub #42] PAGE (tech-lead, round 1): acknowledge by 2026-11-04 10:15 UTC - Archive <unresponsive>", "You are paged.\nAcknowledge now.", "<m1@example.org>");

    private readonly List<ServiceProvider> _services = [];

    public void Dispose() => _services.ForEach(s => s.Dispose());

    // The sender as the hub builds it: the SendGrid package's client on the outbound HTTP pipeline.
    private SendGridSender Sender(FakeSendGrid fake, int attempts = 4, TimeSpan? maxRetryAfter = null, string apiKey = FakeSendGrid.ApiKey)
    {
        var options = new EmailOptions
        {
            Sender = "sendgrid", SendGridApiKey = apiKey, SendGridUrl = fake.Url, MaxAttempts = attempts, RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromSeconds(10),
        };
        ServiceProvider services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSendGridHttp(options).BuildServiceProvider();
        _services.Add(services);
        return new SendGridSender(options, services.GetRequiredService<IHttpClientFactory>(), NullLogger<SendGridSender>.Instance);
    }

    [Fact]
    public async Task Send_IncidentPage_PostsTheDocumentedRequestShape()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        SendGridSender sender = Sender(fake);

        await sender.SendAsync(MailTemplates.Render("incident:42/0000000000000000002-00-abc", Page, Config), CancellationToken.None);

        JsonElement mail = Assert.Single(fake.Accepted);
        JsonElement personalization = Assert.Single(mail.GetProperty("personalizations").EnumerateArray());
        Assert.Equal("alice@example.org", personalization.GetProperty("to")[0].GetProperty("email").GetString());
        Assert.Equal("amit-auto-defect@example.org", personalization.GetProperty("bcc")[0].GetProperty("email").GetString());
        Assert.Equal("incident:42/0000000000000000002-00-abc", personalization.GetProperty("custom_args").GetProperty("outbox_id").GetString());
        Assert.Equal("incident:42/0000000000000000002-00-abc", mail.GetProperty("custom_args").GetProperty("outbox_id").GetString());
        Assert.Equal("hub@example.org", mail.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("Integration Hub", mail.GetProperty("from").GetProperty("name").GetString());
        // Replies go to the mail route of the ticket's queue, so they thread back through the mail intake.
        Assert.Equal("map-support@example.org", mail.GetProperty("reply_to").GetProperty("email").GetString());
        Assert.Equal(Page.Subject, mail.GetProperty("subject").GetString());
        Assert.Equal(["text/plain", "text/html"], mail.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("type").GetString()));
        Assert.StartsWith("You are paged: acknowledge now\n", mail.GetProperty("content")[0].GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><h2>You are paged: acknowledge now</h2><p>You are paged.<br>Acknowledge now.</p>"
            + "<hr><p style=\"color:#666\">Reply to this mail to add to ticket #42; keep &quot;[hub #42]&quot; in the subject.<br>Integration Hub - ProductionDefect</p></body></html>",
            mail.GetProperty("content")[1].GetProperty("value").GetString());
        JsonElement headers = mail.GetProperty("headers");
        Assert.Equal("integration-hub", headers.GetProperty("X-Hub-Loop").GetString());
        Assert.Equal("<m1@example.org>", headers.GetProperty("In-Reply-To").GetString());
        Assert.Equal(["integration-hub", "incident-page"], mail.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Send_429ThenServerError_RetriesWithBackoffUntilAccepted()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        SendGridSender sender = Sender(fake);
        fake.Script.Enqueue((429, """{"errors":[{"message":"too many requests","field":null}]}""", "1"));
        fake.Script.Enqueue((503, "", null));
        var started = DateTime.UtcNow;

        await sender.SendAsync(MailTemplates.Render("k-1", Page, Config), CancellationToken.None);

        Assert.Equal(3, fake.Requests.Count);
        Assert.Single(fake.Accepted);
        Assert.All(fake.Requests, r => Assert.Equal("k-1", r.GetProperty("custom_args").GetProperty("outbox_id").GetString()));
        // Retry-After: 1 was honoured.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Send_RetryAfterLongerThanTheCap_WaitsOnlyTheCap()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        SendGridSender sender = Sender(fake, attempts: 3, maxRetryAfter: TimeSpan.FromMilliseconds(300));
        fake.Script.Enqueue((429, """{"errors":[{"message":"too many requests","field":null}]}""", "45"));
        var started = System.Diagnostics.Stopwatch.StartNew();

        await sender.SendAsync(MailTemplates.Render("k-cap", Page, Config), CancellationToken.None);

        Assert.Equal(2, fake.Requests.Count);
        Assert.Single(fake.Accepted);
        // Retry-After: 45 was cut to the cap (300 ms), not honoured.
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Options_Defaults_BoundOneSendToTwoMinutesAndLongerSettingsAreRefused()
    {
        var defaults = new EmailOptions { Sender = "sendgrid", SendGridApiKey = FakeSendGrid.ApiKey };
        var tooLong = new EmailOptions { Sender = "sendgrid", SendGridApiKey = FakeSendGrid.ApiKey, MaxAttempts = 5, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal((3, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10)), (defaults.MaxAttempts, defaults.Timeout, defaults.MaxRetryAfter));
        Assert.Equal(TimeSpan.FromSeconds(80), defaults.WorstCaseSendTime());
        Assert.Empty(defaults.Validate());
        Assert.Equal(TimeSpan.FromMinutes(2), EmailOptions.MaxSendTime);
        string error = Assert.Single(tooLong.Validate());
        Assert.Contains("may take 190 s; one send must fit in 120 s", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ServerErrorsEveryTime_FailsTransientAfterMaxAttempts()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        SendGridSender sender = Sender(fake, attempts: 3);
        for (int i = 0; i < 5; i++)
        {
            fake.Script.Enqueue((500, "", null));
        }

        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(MailTemplates.Render("k-2", Page, Config), CancellationToken.None));

        Assert.False(error.Permanent);
        Assert.Equal(3, fake.Requests.Count);
        Assert.Equal(500, error.Status);
        Assert.EndsWith("; the outbox sweeper retries mail k-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_400_FailsPermanentWithSendGridsMessageWithoutRetrying()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        SendGridSender sender = Sender(fake);
        fake.Script.Enqueue((400, """{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from","help":null}]}""", null));

        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(MailTemplates.Render("k-3", Page, Config), CancellationToken.None));

        Assert.True(error.Permanent);
        Assert.Equal(400, error.Status);
        Assert.Equal("SendGrid refused mail k-3 (400): from: The from address does not match a verified Sender Identity.", error.Message);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task Send_WrongApiKey_Is401Permanent()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        SendGridSender sender = Sender(fake, apiKey: "SG.wrong");

        var error = await Assert.ThrowsAsync<MailSendException>(() => sender.SendAsync(MailTemplates.Render("k-4", Page, Config), CancellationToken.None));

        Assert.True(error.Permanent);
        Assert.Contains("The provided authorization grant is invalid", error.Message, StringComparison.Ordinal);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task Hub_SendRepeatedAfterACrashBeforeCompletion_DeliversAtMostOneExtraMailWithTheSameOutboxId()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        await using TestHub hub = await TestHub.StartAsync(
            new Dictionary<string, string?>
            {
                ["Hub__Email__Sender"] = "sendgrid",
                ["Hub__Email__SendGridApiKey"] = FakeSendGrid.ApiKey,
                ["Hub__Email__SendGridUrl"] = fake.Url.ToString(),
                ["Hub__ApiKeys__test-operator"] = "operator:operator-key-0123456789abcdef",
            },
            services => services.AddSingleton(sp => new AggregateProcessor<TicketState, TicketCommand, TicketEvent>(
                sp.GetRequiredService<Hub.Domain.Durable.IDecider<TicketState, TicketCommand, TicketEvent>>(),
                sp.GetRequiredService<AggregateStore>(),
                sp.GetRequiredService<WorkQueue>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>>())
            {
                // The process "dies" between the commit and sending its effects: the outbox row stays.
                SendEffectsAfterCommit = false,
            }));
        HttpResponseMessage created = await PlaybookConfig.SendAsync(hub, HttpMethod.Post, "/api/tickets", "operator-key-0123456789abcdef", new
        {
            queue = "Customer-Support", subject = "VPN down", body = "Cannot connect.", requestors = new[] { "jane@example.com" },
        });
        using JsonDocument ticket = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        string partition = "ticket:" + ticket.RootElement.GetProperty("number").GetInt64().ToString(CultureInfo.InvariantCulture);
        var store = hub.App.Services.GetRequiredService<AggregateStore>();
        OutboxRecord row = Assert.Single(await store.OutboxAsync(partition), r => r.Kind == TicketDecider.NotifyEffect);
        var delivery = hub.App.Services.GetRequiredService<MailDelivery>();

        // A second life sends the mail, then dies again before the row is completed...
        await delivery.ExecuteAsync(new SideEffectContext(partition, row.Id, row.Kind, row.Payload, new RecordingStarter(), row.CreatedAt), CancellationToken.None);
        // ...so the relay hands the row to its retry orchestration, which sends it once more and completes it; a further
        // relay finds nothing.
        int first = await hub.RelayAsync();
        int second = await hub.RelayAsync();

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        Assert.Equal(2, fake.Accepted.Count);
        string key = $"{partition}/{row.Id}";
        Assert.All(fake.Accepted, m => Assert.Equal(key, m.GetProperty("custom_args").GetProperty("outbox_id").GetString()));
        Assert.All(fake.Accepted, m => Assert.Equal(key, m.GetProperty("headers").GetProperty("X-Hub-Outbox-Id").GetString()));
        Assert.DoesNotContain(await store.OutboxAsync(partition), r => r.Kind == TicketDecider.NotifyEffect);
    }

    [Fact]
    public async Task Hub_MailRefusedBySendGrid_IsRecordedAsFailedAndListedAtOutbox()
    {
        await using FakeSendGrid fake = await FakeSendGrid.StartAsync();
        fake.Script.Enqueue((400, """{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":null}]}""", null));
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Email__Sender"] = "sendgrid",
            ["Hub__Email__SendGridApiKey"] = FakeSendGrid.ApiKey,
            ["Hub__Email__SendGridUrl"] = fake.Url.ToString(),
            ["Hub__ApiKeys__test-operator"] = "operator:operator-key-0123456789abcdef",
        });

        HttpResponseMessage created = await PlaybookConfig.SendAsync(hub, HttpMethod.Post, "/api/tickets", "operator-key-0123456789abcdef", new
        {
            queue = "Customer-Support", subject = "Refused", body = "x", requestors = new[] { "jane@example.com" },
        });
        using JsonDocument ticket = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        string partition = "ticket:" + ticket.RootElement.GetProperty("number").GetInt64().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/outbox");
        request.Headers.Add("X-Api-Key", "operator-key-0123456789abcdef");
        using JsonDocument list = JsonDocument.Parse(await (await hub.Client.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        JsonElement item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("failed", item.GetProperty("state").GetString());
        Assert.EndsWith("(400): personalizations.0.to.0.email: Does not contain a valid address.", item.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(await hub.App.Services.GetRequiredService<AggregateStore>().OutboxAsync(partition));
    }
}
