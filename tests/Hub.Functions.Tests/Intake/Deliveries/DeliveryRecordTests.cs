using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Tickets;
using Hub.Functions.Intake.Deliveries;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.HubState;

namespace Hub.Functions.Tests.Intake.Deliveries;

/// <summary>Delivery records end to end: a webhook's 202 names its record, and the queued work decides it (issue #12).</summary>
public sealed class DeliveryRecordTests
{
    private const string RtSecret = "rt-delivery-test-secret";
    private const string IntegratorKey = "integrator-key-0123456789abcdef";
    private const string OperatorKey = "operator-key-0123456789abcdef";

    [Fact]
    public async Task RtStatus_RefusedForTheCallersRole_RecordRefusedWithReasonAndTicketNoted()
    {
        await using TestHub hub = await StartAsync();
        long number = await TicketOfAsync(await PostRtAsync(hub, Created("RT-700"), "rt-created-700"));
        await WaitUntilAsync(async () => await TicketAsync(hub, number) is not null);

        HttpResponseMessage response = await PostRtAsync(hub, """{"event":"status","ticket":{"id":"RT-700","status":"deleted"}}""", "rt-status-701");
        string id = await DeliveryIdAsync(response);
        JsonElement record = await WaitForDecisionAsync(hub, id);
        await WaitForIdleAsync(hub);
        IReadOnlyList<EventRecord> history = await HistoryAsync(hub, number);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/hooks/deliveries/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("refused", record.GetProperty("state").GetString());
        const string reason = "ticket " + "{0}: change-status refused: new -> deleted needs role AppAdmin (or AppAdmin); tickets:rt has Integrator.";
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, reason, number), record.GetProperty("reason").GetString());
        Assert.Equal([number], record.GetProperty("tickets").EnumerateArray().Select(t => t.GetInt64()));
        Assert.Equal("new", (await TicketAsync(hub, number))!.Status);
        EventRecord note = Assert.Single(history, e => e.Type == "Commented");
        Assert.Equal(
            $"Delivery {id} was not applied here: change-status refused: new -> deleted needs role AppAdmin (or AppAdmin); tickets:rt has Integrator.",
            Body(note));
        Assert.Equal("hub:deliveries", note.Actor);
    }

    [Fact]
    public async Task RtCreated_Applied_RecordNamesTheTicketAndWhatChanged()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostRtAsync(hub, Created("RT-710"), "rt-created-710");
        long number = await TicketOfAsync(response);
        JsonElement record = await WaitForDecisionAsync(hub, await DeliveryIdAsync(response));

        Assert.Equal("applied", record.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("reason").ValueKind);
        Assert.Equal("rt", record.GetProperty("source").GetString());
        Assert.Equal("RT-710/header:rt-created-710", record.GetProperty("key").GetString());
        Assert.Equal("rt ticket RT-710", record.GetProperty("target").GetString());
        Assert.Equal([number], record.GetProperty("tickets").EnumerateArray().Select(t => t.GetInt64()));
        Assert.Contains($"ticket {number}: TicketCreated", record.GetProperty("changes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["received", "applied"], record.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task PagerDutyTrigger_Applied_RecordNamesItsTicketAndTheTrackersChange()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostPagerDutyAsync(hub, Trigger);
        string id = await DeliveryIdAsync(response);
        JsonElement record = await WaitForDecisionAsync(hub, id);
        long number = record.GetProperty("tickets")[0].GetInt64();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/hooks/deliveries/{id}", response.Headers.Location?.OriginalString);
        Assert.StartsWith("pagerduty-", id, StringComparison.Ordinal);
        Assert.Equal(("applied", "pagerduty", "pagerduty alert pagerduty:disk-full-db2"),
            (record.GetProperty("state").GetString(), record.GetProperty("source").GetString(), record.GetProperty("target").GetString()));
        Assert.Equal(["alert pagerduty:disk-full-db2: AlertTicketOpened"], record.GetProperty("changes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["received", "applied"], record.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        Assert.Equal("Disk full on db2", (await TicketAsync(hub, number))!.Subject);
    }

    [Fact]
    public async Task PagerDutyTrigger_RepeatedAfterResolve_RecordRefusedWithReasonAndTicketNoted()
    {
        await using TestHub hub = await StartAsync();
        const string resolve = """{ "routing_key": "samplekeyhere", "dedup_key": "disk-full-db2", "event_action": "resolve" }""";
        JsonElement opened = await WaitForDecisionAsync(hub, await DeliveryIdAsync(await PostPagerDutyAsync(hub, Trigger)));
        long number = opened.GetProperty("tickets")[0].GetInt64();
        await PostPagerDutyAsync(hub, resolve);
        await WaitUntilAsync(async () => (await TicketAsync(hub, number))?.Status == "resolved");

        HttpResponseMessage repeat = await PostPagerDutyAsync(hub, Trigger);
        string id = await DeliveryIdAsync(repeat);
        JsonElement record = await WaitForDecisionAsync(hub, id, receipts: 2);
        await WaitForIdleAsync(hub);
        EventRecord note = Assert.Single(await HistoryAsync(hub, number), e => e.Type == "Commented" && e.Actor == "hub:deliveries");

        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.True(JsonDocument.Parse(await repeat.Content.ReadAsStringAsync()).RootElement.GetProperty("duplicate").GetBoolean());
        Assert.Equal(opened.GetProperty("id").GetString(), id);
        Assert.Equal("refused", record.GetProperty("state").GetString());
        string reason = $"alert pagerduty:disk-full-db2: a repeat of a trigger applied before, received after the alert resolved; ticket #{number} was not reopened (a trigger with new content opens a new ticket)";
        Assert.Equal(reason, record.GetProperty("reason").GetString());
        Assert.Equal(["received", "applied", "received", "refused"], record.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        Assert.Equal($"Delivery {id} from pagerduty was not applied here: {reason}.", Body(note));
        Assert.Equal("resolved", (await TicketAsync(hub, number))!.Status);
        Assert.Null(await TicketAsync(hub, number + 1)); // not reopened as a new ticket either
    }

    [Fact]
    public async Task Get_UnknownId_Answers404Problem()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await GetAsync(hub, "rt-00000000000000000000000000000000", IntegratorKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_OperatorWithoutIntegratorRole_Answers403()
    {
        await using TestHub hub = await StartAsync();
        string id = await DeliveryIdAsync(await PostRtAsync(hub, Created("RT-720"), "rt-created-720"));

        HttpResponseMessage operatorAnswer = await GetAsync(hub, id, OperatorKey);
        HttpResponseMessage integratorAnswer = await GetAsync(hub, id, IntegratorKey);

        Assert.Equal(HttpStatusCode.Forbidden, operatorAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, integratorAnswer.StatusCode);
    }

    [Fact]
    public async Task ExpireAsync_RecordLastReceivedBeforeTheCutoff_IsDeletedAndAnswers404()
    {
        await using TestHub hub = await StartAsync();
        string id = await DeliveryIdAsync(await PostRtAsync(hub, Created("RT-730"), "rt-created-730"));
        await WaitForDecisionAsync(hub, id);
        DeliveryRecords records = hub.App.Services.GetRequiredService<DeliveryRecords>();

        int kept = await records.ExpireAsync(DateTimeOffset.UtcNow.AddDays(-30), 500, default);
        HttpResponseMessage before = await GetAsync(hub, id, IntegratorKey);
        int deleted = await records.ExpireAsync(DateTimeOffset.UtcNow.AddMinutes(1), 500, default);
        HttpResponseMessage after = await GetAsync(hub, id, IntegratorKey);

        Assert.Equal(0, kept);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(1, deleted);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    private const string PagerDutyToken = "pagerduty-delivery-test-token-0123456789";

    private const string Trigger = """
        { "routing_key": "samplekeyhere", "dedup_key": "disk-full-db2", "event_action": "trigger",
          "payload": { "summary": "Disk full on db2", "source": "db2.example.org", "severity": "critical" } }
        """;

    private static Task<TestHub> StartAsync() => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub__Secrets__PagerDutyToken"] = PagerDutyToken,
        ["Hub__Secrets__RtWebhookSecret"] = RtSecret,
        ["Hub__Secrets__RtWebhookSecretNext"] = "rt-delivery-test-next-secret",
        ["Hub__ApiKeys__test-integrator"] = $"integrator:{IntegratorKey}",
        ["Hub__ApiKeys__test-operator"] = $"operator:{OperatorKey}",
    });

    private static string Created(string id) =>
        $$$"""{"event":"created","ticket":{"id":"{{{id}}}","url":"https://rt.example.org/Ticket/Display.html?id=7","queue":"Customer-Support","subject":"Printer on fire","status":"new"}}""";

    private static async Task<HttpResponseMessage> PostRtAsync(TestHub hub, string json, string deliveryId)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/tickets/rt") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(RtSecret), body)));
        request.Headers.TryAddWithoutValidation("X-Delivery-Id", deliveryId);
        return await hub.Client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostPagerDutyAsync(TestHub hub, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/alerts/pagerduty") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PagerDutyToken);
        return await hub.Client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetAsync(TestHub hub, string id, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/hooks/deliveries/{id}");
        request.Headers.Add("X-Api-Key", key);
        return await hub.Client.SendAsync(request);
    }

    /// <summary>The record once it is decided: an alert's is written then, so 404 until it is.</summary>
    private static async Task<JsonElement> WaitForDecisionAsync(TestHub hub, string id, int receipts = 1)
    {
        JsonElement record = default;
        await WaitUntilAsync(async () =>
        {
            HttpResponseMessage response = await GetAsync(hub, id, IntegratorKey);
            record = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return response.StatusCode == HttpStatusCode.OK && record.GetProperty("state").GetString() != "received" && record.GetProperty("receipts").GetInt32() >= receipts;
        });
        return record;
    }

    private static async Task<string> DeliveryIdAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.TryGetProperty("delivery", out JsonElement delivery)
            ? delivery.GetProperty("id").GetString()!
            : throw new InvalidOperationException($"No delivery in the answer ({(int)response.StatusCode}): {text}");
    }

    private static async Task<long> TicketOfAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("ticket").GetInt64();

    private static string? Body(EventRecord e) => JsonDocument.Parse(e.Data).RootElement.GetProperty("body").GetString();

    private static async Task<TicketState?> TicketAsync(TestHub hub, long number) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>().GetAsync(number.ToString(CultureInfo.InvariantCulture)))?.State;

    private static async Task<IReadOnlyList<EventRecord>> HistoryAsync(TestHub hub, long number) =>
        await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>().AllHistoryAsync(number.ToString(CultureInfo.InvariantCulture));
}
