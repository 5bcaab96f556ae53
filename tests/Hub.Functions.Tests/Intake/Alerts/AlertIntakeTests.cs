using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Hub.Domain.Intake.Alerts;
using Hub.Domain.Tickets;
using Hub.Functions.Intake.Alerts;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Storage.Tables;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.HubState;

namespace Hub.Functions.Tests.Intake.Alerts;

/// <summary>Alert webhooks end to end: HTTP, verification, the work queue, trackers and durable tickets in Azurite.</summary>
public sealed class AlertIntakeTests
{
    private const string Token = "alertmanager-test-token-0123456789";
    private const string ReaderKey = "reader-key-0123456789abcdef";

    [Fact]
    public async Task Alertmanager_FiringRefiringResolvedAndFiringAgain_OneTicketUpdatedResolvedThenANewLinkedOne()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage first = await PostAsync(hub, Payload("firing", ("fp-1", "DiskFull", "critical", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")));
        await WaitForTicketsAsync(hub, 1);
        await PostAsync(hub, Payload("firing", ("fp-1", "DiskFull", "critical", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z"), summary: "still full"));
        await WaitUntilAsync(async () => (await TicketAsync(hub, 1))?.Alert?.FiringCount == 2);
        await PostAsync(hub, Payload("resolved", ("fp-1", "DiskFull", "critical", "2026-11-21T10:00:00Z", "2026-11-21T10:30:00Z")));
        await WaitUntilAsync(async () => (await TicketAsync(hub, 1))?.Status == "resolved");
        await PostAsync(hub, Payload("firing", ("fp-1", "DiskFull", "critical", "2026-11-21T11:00:00Z", "0001-01-01T00:00:00Z")));
        await WaitForTicketsAsync(hub, 2);
        await WaitUntilAsync(async () => (await TicketAsync(hub, 2))?.Links.Count == 1);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        TicketState one = (await TicketAsync(hub, 1))!;
        Assert.Equal("ProductionDefect", one.Queue);
        Assert.Equal("DiskFull", one.Subject);
        Assert.Equal(90, one.Priority);
        Assert.Equal("alert:alertmanager", one.Source);
        Assert.Equal("alertmanager:fp-1", one.Alert!.Identity);
        Assert.Equal("https://runbooks.example.org/disk", one.Alert.Links["runbook_url"]);
        TicketState two = (await TicketAsync(hub, 2))!;
        Assert.Equal("new", two.Status);
        Assert.Equal(1, Assert.Single(two.Links).Number);
        // The API names enum values as the docs spell them, never their numbers.
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/tickets/2");
        get.Headers.Add("X-Api-Key", ReaderKey);
        using JsonDocument detail = JsonDocument.Parse(await (await hub.Client.SendAsync(get)).EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        JsonElement shown = detail.RootElement.GetProperty("ticket");
        Assert.NotNull(two.Classification);
        Assert.Equal(two.Classification.ToString(), shown.GetProperty("classification").GetString());
        Assert.Equal(Assert.Single(two.Links).Kind.ToString(), shown.GetProperty("links")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Alertmanager_AlertOfACataloguedService_TicketShowsItsRunBookAndDrCategory()
    {
        await using TestHub hub = await StartAsync();
        string archive = Payload("firing", ("c-1", "ArchiveDown", "warning", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z"))
            .Replace("\"service\":\"storage\"", "\"service\":\"archive\"", StringComparison.Ordinal);
        string unknown = Payload("firing", ("c-2", "StorageDown", "warning", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z"));

        await PostAsync(hub, archive);
        await PostAsync(hub, unknown);
        await WaitForTicketsAsync(hub, 2);

        string[] bodies = await Task.WhenAll(new long[] { 1, 2 }.Select(async n =>
            JsonDocument.Parse((await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>()
                .AllHistoryAsync(n.ToString(System.Globalization.CultureInfo.InvariantCulture)))[0].Data).RootElement.GetProperty("body").GetString()!));
        string catalogued = Assert.Single(bodies, b => b.StartsWith("ArchiveDown", StringComparison.Ordinal));
        Assert.Contains("Run book (archive): https://runbooks.example.org/archive\n", catalogued, StringComparison.Ordinal);
        Assert.Contains("DR category (archive): B: restore within 24 hours\n", catalogued, StringComparison.Ordinal);
        Assert.DoesNotContain("Run book (", Assert.Single(bodies, b => b != catalogued), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alertmanager_GroupOfFiftyAlerts_OneRequestFiftyTickets()
    {
        await using TestHub hub = await StartAsync();
        var alerts = Enumerable.Range(0, 50).Select(i => ($"g{i}", $"Alert{i}", "warning", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")).ToArray();

        HttpResponseMessage response = await PostAsync(hub, Payload("firing", alerts));
        await WaitForTicketsAsync(hub, 50);

        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(50, body.RootElement.GetProperty("alerts").GetInt32());
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), (await TicketNumbersAsync(hub)).Order());
    }

    [Fact]
    public async Task Alertmanager_DuplicateStorm_ThreeHundredAlertsDeliveredThreeTimesConcurrently_ExactlyThreeHundredTickets()
    {
        await using TestHub hub = await StartAsync();
        string[] payloads = Enumerable.Range(0, 30)
            .Select(d => Payload("firing", Enumerable.Range(0, 10).Select(i => ($"s{d}-{i}", $"Storm{d}-{i}", "info", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")).ToArray()))
            .ToArray();

        using var sender = new WebhookSender(90);
        HttpStatusCode[] codes = await Task.WhenAll(Enumerable.Range(0, 90).Select(async i => (await sender.DeliverAsync(() => PostAsync(hub, payloads[i % 30]))).StatusCode));
        await WaitForTicketsAsync(hub, 300, TimeSpan.FromSeconds(120));
        await WaitForIdleAsync(hub);

        Assert.All(codes, c => Assert.Equal(HttpStatusCode.Accepted, c));
        long[] numbers = await TicketNumbersAsync(hub);
        Assert.Equal(300, numbers.Length);
        Assert.Equal(300, numbers.Distinct().Count());
    }

    [Fact]
    public async Task Alertmanager_RepeatOfAnAppliedDelivery_IsADuplicateThatChangesNothingAndChangedContentIsApplied()
    {
        await using TestHub hub = await StartAsync();
        string body = Payload("firing", ("r-1", "Repeat", "warning", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z"));
        JsonElement first = await AcceptedAsync(await PostAsync(hub, body));
        await WaitForTicketsAsync(hub, 1);
        AlertDeliveryLog log = hub.App.Services.GetRequiredService<AlertDeliveryLog>();
        string record = first.GetProperty("delivery").GetProperty("id").GetString()!;
        await WaitUntilAsync(() => log.IsDoneAsync(record, default));

        JsonElement repeat = await AcceptedAsync(await PostAsync(hub, body));
        JsonElement changed = await AcceptedAsync(await PostAsync(
            hub, Payload("firing", ("r-1", "Repeat", "warning", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z"), summary: "worse")));
        await WaitUntilAsync(async () => (await TicketAsync(hub, 1))?.Alert?.FiringCount == 2);
        await WaitForIdleAsync(hub);

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(repeat.GetProperty("duplicate").GetBoolean());
        Assert.False(changed.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("deliveryKey").GetString(), repeat.GetProperty("deliveryKey").GetString());
        Assert.Equal(record, repeat.GetProperty("delivery").GetProperty("id").GetString());
        Assert.NotEqual(record, changed.GetProperty("delivery").GetProperty("id").GetString());
        Assert.Equal(2, (await TicketAsync(hub, 1))!.Alert!.FiringCount);
        Assert.Equal(new long[] { 1 }, await TicketNumbersAsync(hub));
    }

    [Fact]
    public async Task Alertmanager_RepeatOfADeliveryStillQueued_IsQueuedAgainAndAppliedOnce()
    {
        // HubWork disabled (AzureWebJobs.HubWork.Disabled): deliveries wait in hub-work until this test hands them over.
        await using TestHub hub = await StartAsync(new Dictionary<string, string?> { [HubWorkDisabled] = "true" });
        string body = Payload("firing", ("q-1", "Queued", "warning", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z"));

        JsonElement first = await AcceptedAsync(await PostAsync(hub, body));
        JsonElement second = await AcceptedAsync(await PostAsync(hub, body));
        WorkQueue work = hub.App.Services.GetRequiredService<WorkQueue>();
        WorkDispatcher dispatcher = hub.App.Services.GetRequiredService<WorkDispatcher>();
        Azure.Storage.Queues.Models.QueueMessage[] queued = await work.Queue.ReceiveMessagesAsync(32);
        foreach (Azure.Storage.Queues.Models.QueueMessage message in queued)
        {
            await dispatcher.HandleAsync(message.Body.ToString(), message.DequeueCount, hub.Orchestrations);
            await work.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        await HandleAllQueuedAsync(hub);

        JsonElement third = await AcceptedAsync(await PostAsync(hub, body));

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.False(second.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, queued.Length);
        Assert.True(third.GetProperty("duplicate").GetBoolean());
        Assert.Equal(new long[] { 1 }, await TicketNumbersAsync(hub));
        Assert.Equal(1, (await TicketAsync(hub, 1))!.Alert!.FiringCount);
    }

    [Fact]
    public async Task Alertmanager_RepeatQueuedByAnotherInstanceAfterTheFirstWasApplied_IsSkippedByItsRecord()
    {
        // Two hubs with HubWork disabled on one durable store: the second knows nothing in memory.
        string durable = Azurite.UniqueName("d");
        await using TestHub first = await StartAsync(new Dictionary<string, string?>
        {
            [HubWorkDisabled] = "true",
            ["Hub__DurableName"] = durable,
        });
        await using TestHub second = await StartAsync(new Dictionary<string, string?>
        {
            [HubWorkDisabled] = "true",
            ["Hub__DurableName"] = durable,
        });
        string body = Payload("firing", ("x-1", "Elsewhere", "warning", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z"));
        await AcceptedAsync(await PostAsync(first, body));
        WorkMessage applied = await HandleQueuedAsync(first);

        JsonElement repeat = await AcceptedAsync(await PostAsync(second, body));
        WorkMessage queued = WorkQueue.Parse(Assert.Single((await second.App.Services.GetRequiredService<WorkQueue>().Queue.ReceiveMessagesAsync(32)).Value).Body.ToString());
        CommandStatus status = await second.App.Services.GetRequiredService<AlertDeliveryHandler>()
            .HandleJsonAsync(queued.AggregateId, queued.Id, queued.Payload!, queued.Actor, default);

        Assert.Equal(applied.AggregateId, queued.AggregateId);
        Assert.False(repeat.GetProperty("duplicate").GetBoolean());
        Assert.Equal(CommandStatus.Duplicate, status);
        Assert.Equal(new long[] { 1 }, await TicketNumbersAsync(second));
        Assert.Equal(1, (await TicketAsync(second, 1))!.Alert!.FiringCount);
    }

    [Fact]
    public async Task PagerDuty_TriggerThenResolve_OpensAndAutoResolvesOneTicket()
    {
        await using TestHub hub = await StartAsync(new Dictionary<string, string?> { ["Hub__Secrets__PagerDutyToken"] = Token });
        const string trigger = """
            { "routing_key": "samplekeyhere", "dedup_key": "db-primary-down", "event_action": "trigger",
              "payload": { "summary": "Primary database unreachable", "source": "db1.example.org", "severity": "critical", "component": "postgres" },
              "links": [ { "href": "https://runbooks.example.org/db", "text": "Runbook" } ] }
            """;
        const string resolve = """{ "routing_key": "samplekeyhere", "dedup_key": "db-primary-down", "event_action": "resolve" }""";

        HttpResponseMessage opened = await PostAsync(hub, trigger, "pagerduty");
        await WaitForTicketsAsync(hub, 1);
        HttpResponseMessage closed = await PostAsync(hub, resolve, "pagerduty");
        await WaitUntilAsync(async () => (await TicketAsync(hub, 1))?.Status == "resolved");

        Assert.Equal(HttpStatusCode.Accepted, opened.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, closed.StatusCode);
        TicketState ticket = (await TicketAsync(hub, 1))!;
        Assert.Equal("Primary database unreachable", ticket.Subject);
        Assert.Equal("pagerduty:db-primary-down", ticket.Alert!.Identity);
        Assert.Equal("postgres", ticket.Alert.Service);
        Assert.Equal(Hub.Domain.Configuration.AlertClassification.Urgent, ticket.Classification);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789")]
    [InlineData("Basic YWxlcnQ6bWFuYWdlcg==")]
    public async Task Alertmanager_WithoutTheRightBearer_Answers401WithoutDetail(string? authorization)
    {
        await using TestHub hub = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/alerts/alertmanager")
        {
            Content = new StringContent(Payload("firing", ("x", "X", "info", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")), Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        HttpResponseMessage response = await hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(problem.RootElement.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task Alertmanager_InvalidPayload_Answers422NamingFieldAndRule()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, """{"version":"3","status":"firing","alerts":[{"status":"firing","labels":{},"startsAt":"yesterday"}]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()}: {e.GetProperty("rule").GetString()}").ToList();
        Assert.Contains(errors, e => e.StartsWith("version:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerts[0].startsAt:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Alertmanager_BodyOverOneMegabyte_Answers413()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, "{\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Alertmanager_TextPlainBody_Answers415ProblemAndStoresNothing()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage plain = await PostAsync(hub, Payload("firing", ("t1", "PlainText", "info", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")), mediaType: "text/plain");
        HttpResponseMessage json = await PostAsync(hub, Payload("firing", ("t2", "JsonBody", "info", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")));
        await WaitForTicketsAsync(hub, 1);
        await WaitForIdleAsync(hub);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal("application/problem+json", plain.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Accepted, json.StatusCode);
        long[] numbers = await TicketNumbersAsync(hub);
        Assert.Equal(new long[] { 1 }, numbers);
        Assert.Equal("JsonBody", (await TicketAsync(hub, 1))!.Subject);
    }

    [Fact]
    public async Task Alerts_UnknownFormat_Answers404Problem()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await hub.Client.PostAsync(new Uri("/api/hooks/alerts/nagios", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Alertmanager_StorageDown_Answers503SoTheSenderRetries()
    {
        const int dead = Azurite.DeadPort;
        await using TestHub hub = await StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Hub.Storage.Account.StorageConnectionString.DevelopmentAccountKey};BlobEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{dead}/devstoreaccount1",
            ["Hub__StorageMaxRetries"] = "0",
        });

        HttpResponseMessage response = await PostAsync(hub, Payload("firing", ("d", "Down", "info", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Alertmanager_Overloaded_Answers503WithRetryAfterNever429()
    {
        await using TestHub hub = await StartAsync(new Dictionary<string, string?> { ["Hub__IntakeConcurrency"] = "1", ["Hub__IntakeQueue"] = "0" });
        string body = Payload("firing", Enumerable.Range(0, 40).Select(i => ($"o{i}", $"Load{i}", "info", "2026-11-21T10:00:00Z", "0001-01-01T00:00:00Z")).ToArray());

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => PostAsync(hub, body)));

        Assert.DoesNotContain(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        HttpResponseMessage busy = Assert.Single(responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).Take(1));
        Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter!.Delta);
        Assert.Equal("application/problem+json", busy.Content.Headers.ContentType?.MediaType);
    }

    private static Task<TestHub> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub__Secrets__AlertmanagerToken"] = Token,
            ["Hub__ApiKeys__test-reader"] = $"logs-reader:{ReaderKey}",
        };
        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        return TestHub.StartAsync(settings);
    }

    private static async Task<HttpResponseMessage> PostAsync(TestHub hub, string json, string format = "alertmanager", string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/alerts/{format}") { Content = new StringContent(json, Encoding.UTF8, mediaType) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await hub.Client.SendAsync(request);
    }

    // An Alertmanager webhook (version 4) as its documentation describes it.
    private static string Payload(string status, params (string Fingerprint, string Name, string Severity, string StartsAt, string EndsAt)[] alerts) =>
        Payload(status, alerts, null);

    private static string Payload(string status, (string Fingerprint, string Name, string Severity, string StartsAt, string EndsAt) alert, string summary) =>
        Payload(status, [alert], summary);

    private static string Payload(string status, (string Fingerprint, string Name, string Severity, string StartsAt, string EndsAt)[] alerts, string? summary) =>
        JsonSerializer.Serialize(new
        {
            version = "4",
            groupKey = "{}:{alertname=\"group\"}",
            truncatedAlerts = 0,
            status,
            receiver = "hub",
            groupLabels = new Dictionary<string, string>(),
            commonLabels = new Dictionary<string, string>(),
            commonAnnotations = new Dictionary<string, string>(),
            externalURL = "http://alertmanager.example.org",
            alerts = alerts.Select(a => new
            {
                status,
                labels = new Dictionary<string, string> { ["alertname"] = a.Name, ["severity"] = a.Severity, ["service"] = "storage" },
                annotations = new Dictionary<string, string> { ["summary"] = summary ?? $"{a.Name} on host1", ["runbook_url"] = "https://runbooks.example.org/disk" },
                startsAt = a.StartsAt,
                endsAt = a.EndsAt,
                generatorURL = "http://prometheus.example.org/graph",
                fingerprint = a.Fingerprint,
            }),
        });

    // The Functions host's setting that stops a function's trigger; the standalone host honours it too.
    private const string HubWorkDisabled = "AzureWebJobs.HubWork.Disabled";

    // Hands the one queued delivery of a hub whose HubWork is disabled to its dispatcher, as the queue trigger would,
    // then the effects its commits queued.
    private static async Task<WorkMessage> HandleQueuedAsync(TestHub hub)
    {
        WorkQueue work = hub.App.Services.GetRequiredService<WorkQueue>();
        Azure.Storage.Queues.Models.QueueMessage message = Assert.Single((await work.Queue.ReceiveMessagesAsync(32)).Value);
        await hub.App.Services.GetRequiredService<WorkDispatcher>().HandleAsync(message.Body.ToString(), message.DequeueCount, hub.Orchestrations);
        await work.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        await HandleAllQueuedAsync(hub);
        return WorkQueue.Parse(message.Body.ToString());
    }

    // Handles queued work messages, and those they queue, until the queue is empty.
    private static async Task HandleAllQueuedAsync(TestHub hub)
    {
        WorkQueue work = hub.App.Services.GetRequiredService<WorkQueue>();
        WorkDispatcher dispatcher = hub.App.Services.GetRequiredService<WorkDispatcher>();
        while ((await work.Queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            foreach (Azure.Storage.Queues.Models.QueueMessage message in batch)
            {
                await dispatcher.HandleAsync(message.Body.ToString(), message.DequeueCount, hub.Orchestrations);
                await work.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private static async Task<JsonElement> AcceptedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.Clone();
    }

    private static async Task<TicketState?> TicketAsync(TestHub hub, long number) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>().GetAsync(number.ToString(System.Globalization.CultureInfo.InvariantCulture)))?.State;

    private static Task WaitForTicketsAsync(TestHub hub, int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(async () => (await TicketNumbersAsync(hub)).Length >= count, timeout);

}
