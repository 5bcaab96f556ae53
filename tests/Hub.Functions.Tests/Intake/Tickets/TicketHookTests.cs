using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Tickets;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.HubState;

namespace Hub.Functions.Tests.Intake.Tickets;

/// <summary>Ticket-system webhooks end to end: HTTP, GitHub-style signatures, external-ref aggregates and durable tickets in Azurite.</summary>
public sealed class TicketHookTests
{
    private const string Secret = "rt-current-webhook-secret";
    private const string NextSecret = "rt-next-webhook-secret";

    [Fact]
    public async Task Created_NewExternalTicket_OpensLocalTicketWithExternalRef()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, Created("RT-100", queue: "Customer-Support", extra: """, "priority": 40, "requestors": ["alice@example.com"]"""));
        long number = await TicketNumberAsync(response);
        TicketState ticket = await WaitForTicketAsync(hub, number, t => true);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Customer-Support", ticket.Queue);
        Assert.Equal("Printer on fire", ticket.Subject);
        Assert.Equal(40, ticket.Priority);
        Assert.Equal("new", ticket.Status);
        Assert.Equal("tickets:rt", ticket.Source);
        Assert.Equal(["alice@example.com"], ticket.Requestors);
        Assert.Equal(new ExternalRef("rt", "RT-100", "https://rt.example.org/Ticket/Display.html?id=100"), Assert.Single(ticket.ExternalRefs));
    }

    [Fact]
    public async Task Created_WithoutQueue_OpensInTheMailDefaultQueue()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, Created("RT-101", queue: null));
        TicketState ticket = await WaitForTicketAsync(hub, await TicketNumberAsync(response), t => true);

        Assert.Equal("Customer-Support", ticket.Queue);
    }

    [Fact]
    public async Task UpdatedCommentedStatus_OnMappedTicket_AppliedToTheLocalTicket()
    {
        await using TestHub hub = await StartAsync();
        long number = await TicketNumberAsync(await PostAsync(hub, ReleaseCreated("RT-200")));

        HttpResponseMessage updated = await PostAsync(hub, """{"event":"updated","deliveryId":"u-1","ticket":{"id":"RT-200","subject":"Release 2.1.0 of Foo","priority":70,"status":"Submitted"}}""");
        HttpResponseMessage publicReply = await PostAsync(hub, """{"event":"commented","deliveryId":"c-1","ticket":{"id":"RT-200"},"comment":{"body":"Artifacts are uploaded.","author":"provider@example.com","internal":false}}""");
        HttpResponseMessage note = await PostAsync(hub, """{"event":"commented","deliveryId":"c-2","ticket":{"id":"RT-200"},"comment":{"body":"QC may start.","author":"qc@example.org","internal":true}}""");
        HttpResponseMessage status = await PostAsync(hub, """{"event":"status","deliveryId":"s-1","ticket":{"id":"RT-200","status":"unverified"}}""");
        TicketState ticket = await WaitForTicketAsync(hub, number, t => t.Status == "Unverified");
        IReadOnlyList<EventRecord> history = await HistoryAsync(hub, number);

        Assert.All([updated, publicReply, note, status], r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal("sw-rel", ticket.Queue);
        Assert.Equal("Release 2.1.0 of Foo", ticket.Subject);
        Assert.Equal(70, ticket.Priority);
        Assert.Equal(
            ["TicketCreated", "SubjectChanged", "PriorityChanged", "Corresponded", "Commented", "StatusChanged"],
            history.Select(e => e.Type));
        Assert.Equal("Artifacts are uploaded.", Body(history[3]));
        Assert.Equal("qc@example.org wrote in rt:\n\nQC may start.", Body(history[4]));
    }

    [Fact]
    public async Task Status_NotAStatusOfTheQueueLifecycle_Answers422NamingTicketStatus()
    {
        await using TestHub hub = await StartAsync();
        await PostAsync(hub, Created("RT-300", queue: "Customer-Support"));

        HttpResponseMessage response = await PostAsync(hub, """{"event":"status","ticket":{"id":"RT-300","status":"Shipped"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("ticket.status: 'Shipped' is not a status of lifecycle 'default'", string.Join("\n", await ErrorsAsync(response)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updated_UnknownExternalTicket_Answers422NamingTicketId()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, """{"event":"updated","ticket":{"id":"RT-404","subject":"Who am I"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.StartsWith("ticket.id: no ticket from 'rt' with id 'RT-404'", Assert.Single(await ErrorsAsync(response)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Created_InvalidFields_Answers422NamingEachField()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, """{"event":"created","ticket":{"id":"RT-1","url":"ftp://rt","priority":101,"requestors":[7]},"comment":{"internal":"no"}}""");
        HttpResponseMessage queue = await PostAsync(hub, Created("RT-2", queue: "Nowhere"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        List<string> fields = [.. (await ErrorsAsync(response)).Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)])];
        Assert.Equal(["ticket.url", "ticket.priority", "ticket.requestors[0]", "comment.body", "comment.internal"], fields);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, queue.StatusCode);
        Assert.StartsWith("ticket.queue: 'Nowhere' is not a queue", Assert.Single(await ErrorsAsync(queue)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Created_InvalidUtf8InsideAString_Answers422AndStoresNothing()
    {
        await using TestHub hub = await StartAsync();
        // The subject holds a byte that is no UTF-8 anywhere: the JSON structure is sound, the string is not.
        byte[] body = Encoding.UTF8.GetBytes(Created("RT-9", queue: null).Replace("Printer on fire", "Printer on ~", StringComparison.Ordinal));
        body[Array.IndexOf(body, (byte)'~')] = 0xFF;

        HttpResponseMessage response = await PostAsync(hub, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.StartsWith("$: is not valid UTF-8", Assert.Single(await ErrorsAsync(response)), StringComparison.Ordinal);
        Assert.Null(await TicketAsync(hub, 1));
    }

    [Fact]
    public async Task Created_DeliveredThreeTimesConcurrently_OneTicket()
    {
        await using TestHub hub = await StartAsync();
        string created = Created("RT-500", queue: "Admin");

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync(hub, created)));
        string comment = """{"event":"commented","ticket":{"id":"RT-500"},"comment":{"body":"Once only.","internal":true}}""";
        HttpResponseMessage[] comments = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync(hub, comment, deliveryId: "rt-comment-77")));
        long number = await TicketNumberAsync(responses[0]);
        await WaitForTicketAsync(hub, number, t => true);
        await WaitForIdleAsync(hub);

        Assert.All(responses.Concat(comments), r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal([number], await TicketNumbersAsync(hub));
        Assert.Equal(2, (await Task.WhenAll(responses.Select(DuplicateAsync))).Count(d => d));
        Assert.Equal(2, (await Task.WhenAll(comments.Select(DuplicateAsync))).Count(d => d));
        Assert.Single(await HistoryAsync(hub, number), e => e.Type == "Commented");
    }

    [Fact]
    public async Task Created_SameDeliveryIdHeaderWithDifferentBodies_AppliedOnce()
    {
        await using TestHub hub = await StartAsync();
        long number = await TicketNumberAsync(await PostAsync(hub, Created("RT-600", queue: "Admin")));

        await PostAsync(hub, """{"event":"updated","ticket":{"id":"RT-600","subject":"First"}}""", deliveryId: "same");
        HttpResponseMessage second = await PostAsync(hub, """{"event":"updated","ticket":{"id":"RT-600","subject":"Second"}}""", deliveryId: "same");
        TicketState ticket = await WaitForTicketAsync(hub, number, t => t.Subject == "First");

        Assert.True(await DuplicateAsync(second));
        Assert.Equal("First", ticket.Subject);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Hook_HubOriginOrLoopHeader_Answers202IgnoredAndStoresNothing(bool originInBody, bool loopHeader)
    {
        await using TestHub hub = await StartAsync();
        string body = originInBody
            ? """{"event":"created","origin":"hub","ticket":{"id":"RT-700","url":"https://rt.example.org/700","subject":"Echo"}}"""
            : Created("RT-700", queue: "Admin");

        HttpResponseMessage response = await PostAsync(hub, body, headers: loopHeader ? [("X-Hub-Loop", "hub.example.org")] : []);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(answer.RootElement.GetProperty("ignored").GetBoolean());
        Assert.Empty(await TicketNumbersAsync(hub));
        Assert.Null(await hub.App.Services.GetRequiredService<AggregateProcessor<ExternalTicketState, ExternalTicketCommand, ExternalTicketEvent>>().GetAsync("rt:RT-700"));
    }

    [Fact]
    public async Task Hook_SignedWithTheNextSecret_Accepted()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, Created("RT-800", queue: "Admin"), secret: NextSecret);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(null)]
    public async Task Hook_BadOrMissingSignature_Answers401WithoutDetail(string? signature)
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, Created("RT-900", queue: "Admin"), signature: signature ?? "");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(problem.RootElement.TryGetProperty("detail", out _));
        Assert.Empty(await TicketNumbersAsync(hub));
    }

    [Fact]
    public async Task Hook_UnknownSystem_Answers404Problem()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, Created("RT-1", queue: "Admin"), system: "jira");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Hook_CorrectlySignedTextPlain_Answers415AndStoresNothing()
    {
        await using TestHub hub = await StartAsync();
        byte[] body = Encoding.UTF8.GetBytes(Created("RT-8", queue: null));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/tickets/rt") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));

        HttpResponseMessage response = await hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(await TicketAsync(hub, 1));
    }

    [Fact]
    public async Task Hook_BodyOverOneMegabyte_Answers413()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await PostAsync(hub, "{\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Hook_StorageDown_Answers503SoTheSenderRetries()
    {
        const int dead = Hub.Testing.Azurite.DeadPort;
        await using TestHub hub = await StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Hub.Storage.Account.StorageConnectionString.DevelopmentAccountKey};BlobEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{dead}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{dead}/devstoreaccount1",
            ["Hub__StorageMaxRetries"] = "0",
        });

        HttpResponseMessage response = await PostAsync(hub, Created("RT-503", queue: "Admin"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Transition_PreviousIsNotTheReleaseState_Answers202AndTheReleaseRecordsTheRefusal()
    {
        await using TestHub hub = await StartAsync();
        long number = await TicketNumberAsync(await PostAsync(hub, ReleaseCreated("RT-1000")));

        HttpResponseMessage response = await PostAsync(
            hub, """{"event":"transition","ticketId":"RT-1000","rolloutProgress":{"current":"StageRollout","previous":"InVerification"},"emergency":true}""");
        await WaitUntilAsync(async () => (await HistoryAsync(hub, number)).Any(e => e.Type == "Commented"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(number, await TicketNumberAsync(response));
        var view = await hub.App.Services.GetRequiredService<AggregateProcessor<ExternalTicketState, ExternalTicketCommand, ExternalTicketEvent>>().GetAsync("rt:RT-1000");
        Assert.Equal(new ReleaseTransitionRecorded(RolloutProgress.StageRollout, RolloutProgress.InVerification, true, view!.State.LastTransition!.At), view.State.LastTransition);
        EventRecord comment = (await HistoryAsync(hub, number)).Single(e => e.Type == "Commented");
        using JsonDocument data = JsonDocument.Parse(comment.Data);
        Assert.Equal(
            $"rt reported the release moved InVerification -> StageRollout (emergency release); the hub refused it: rt reports InVerification -> StageRollout, but release #{number} is Submitted.",
            data.RootElement.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("""{"event":"transition","rolloutProgress":{"current":"StageRollout","previous":"InVerification"}}""", "ticketId: is required")]
    [InlineData("""{"event":"transition","ticketId":"","rolloutProgress":{"current":"StageRollout","previous":"InVerification"}}""", "ticketId: must not be empty")]
    [InlineData("""{"event":"transition","ticketId":"RT-1"}""", "rolloutProgress: is required")]
    [InlineData("""{"event":"transition","ticketId":"RT-1","rolloutProgress":"StageRollout"}""", "rolloutProgress: must be an object with current and previous")]
    [InlineData("""{"event":"transition","ticketId":"RT-1","rolloutProgress":{"previous":"InVerification"}}""", "rolloutProgress.current: is required")]
    [InlineData("""{"event":"transition","ticketId":"RT-1","rolloutProgress":{"current":"StageRollout"}}""", "rolloutProgress.previous: is required")]
    [InlineData("""{"event":"transition","ticketId":"RT-1","rolloutProgress":{"current":"Shipped","previous":"InVerification"}}""", "rolloutProgress.current: must be a RolloutProgress state")]
    [InlineData("""{"event":"transition","ticketId":"RT-1","rolloutProgress":{"current":"StageRollout","previous":"3"}}""", "rolloutProgress.previous: must be a RolloutProgress state")]
    [InlineData("""{"event":"transition","ticketId":"RT-1","rolloutProgress":{"current":"Deferred","previous":"Deferred"}}""", "rolloutProgress.current: must differ from rolloutProgress.previous")]
    [InlineData("""{"event":"transition","ticketId":"RT-1","rolloutProgress":{"current":"StageRollout","previous":"InVerification"},"emergency":"yes"}""", "emergency: must be true or false")]
    [InlineData("""{"event":"transition","ticketId":"RT-unknown","rolloutProgress":{"current":"StageRollout","previous":"InVerification"}}""", "ticketId: no ticket from 'rt' with id 'RT-unknown'")]
    [InlineData("""{"event":"moved","ticketId":"RT-1"}""", "event: must be one of")]
    public async Task Transition_InvalidField_Answers422NamingIt(string body, string expected)
    {
        await using TestHub hub = await StartAsync();
        await PostAsync(hub, ReleaseCreated("RT-1"));

        HttpResponseMessage response = await PostAsync(hub, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(expected, Assert.Single(await ErrorsAsync(response)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateStorm_ThreeHundredEventsDeliveredThreeTimesConcurrently_ExactlyThreeHundredTickets()
    {
        await using TestHub hub = await StartAsync();
        string[] events = [.. Enumerable.Range(0, 300).Select(i => Created($"RT-S{i.ToString(CultureInfo.InvariantCulture)}", queue: "ProductionDefect"))];
        using var sender = new WebhookSender(48);

        async Task<(HttpStatusCode Code, bool Duplicate)> DeliverAsync(string json)
        {
            HttpResponseMessage response = await sender.DeliverAsync(() => PostAsync(hub, json));
            return (response.StatusCode, response.IsSuccessStatusCode && await DuplicateAsync(response));
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 900).Select(i => DeliverAsync(events[i % 300])));
        await WaitUntilAsync(async () => (await TicketNumbersAsync(hub)).Length >= 300, TimeSpan.FromSeconds(120));
        await WaitForIdleAsync(hub);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Code));
        // At least the 600 repeats are duplicates; a delivery answered 503 after its commit landed (storage slower
        // than the intake timeout) is one more, and its ticket is still made once.
        Assert.InRange(answers.Count(a => a.Duplicate), 600, 899);
        long[] numbers = await TicketNumbersAsync(hub);
        Assert.Equal(300, numbers.Length);
        TicketState?[] tickets = await Task.WhenAll(numbers.Select(n => TicketAsync(hub, n)));
        Assert.Equal(300, tickets.Select(t => Assert.Single(t!.ExternalRefs).Id).Distinct().Count());
    }

    private static Task<TestHub> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub__Secrets__RtWebhookSecret"] = Secret,
            ["Hub__Secrets__RtWebhookSecretNext"] = NextSecret,
        };
        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        return TestHub.StartAsync(settings);
    }

    private static string Created(string id, string? queue, string extra = "")
    {
        string number = id[(id.IndexOf('-', StringComparison.Ordinal) + 1)..];
        string queueField = queue is null ? "" : $",\"queue\":\"{queue}\"";
        return $$$"""{"event":"created","deliveryId":"created-{{{id}}}","ticket":{"id":"{{{id}}}","url":"https://rt.example.org/Ticket/Display.html?id={{{number}}}"{{{queueField}}},"subject":"Printer on fire","status":"new"{{{extra}}}},"comment":{"body":"It is on fire.","author":"alice@example.com","internal":false}}""";
    }

    private static string ReleaseCreated(string id) =>
        $$$$"""{"event":"created","deliveryId":"created-{{{{id}}}}","ticket":{"id":"{{{{id}}}}","url":"https://rt.example.org/Ticket/Display.html?id=1","queue":"sw-rel","subject":"Release 2.1.0","status":"Submitted","customFields":{"DistributionShortName":"foo","Version":"2.1.0","ReleaseXml":"https://provider.example.org/foo/release.xml"}}}""";

    private static Task<HttpResponseMessage> PostAsync(
        TestHub hub, string json, string? deliveryId = null, string secret = Secret, string? signature = null, string system = "rt", (string Name, string Value)[]? headers = null) =>
        PostAsync(hub, Encoding.UTF8.GetBytes(json), deliveryId, secret, signature, system, headers);

    private static async Task<HttpResponseMessage> PostAsync(
        TestHub hub, byte[] body, string? deliveryId = null, string secret = Secret, string? signature = null, string system = "rt", (string Name, string Value)[]? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/tickets/{system}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        signature ??= "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        if (signature.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        }

        if (deliveryId is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Delivery-Id", deliveryId);
        }

        foreach ((string name, string value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await hub.Client.SendAsync(request);
    }

    private static async Task<long> TicketNumberAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        using JsonDocument answer = JsonDocument.Parse(text);
        return answer.RootElement.TryGetProperty("ticket", out JsonElement ticket) && ticket.ValueKind == JsonValueKind.Number
            ? ticket.GetInt64()
            : throw new InvalidOperationException($"No ticket in the answer ({(int)response.StatusCode}): {text}");
    }

    private static string? Body(EventRecord e)
    {
        using JsonDocument data = JsonDocument.Parse(e.Data);
        return data.RootElement.GetProperty("body").GetString();
    }

    private static async Task<bool> DuplicateAsync(HttpResponseMessage response)
    {
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("duplicate").GetBoolean();
    }

    private static async Task<List<string>> ErrorsAsync(HttpResponseMessage response)
    {
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()}: {e.GetProperty("rule").GetString()}")];
    }

    private static async Task<TicketState> WaitForTicketAsync(TestHub hub, long number, Func<TicketState, bool> condition)
    {
        TicketState? ticket = null;
        await WaitUntilAsync(async () => (ticket = await TicketAsync(hub, number)) is not null && condition(ticket));
        return ticket!;
    }

    private static async Task<TicketState?> TicketAsync(TestHub hub, long number) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>().GetAsync(number.ToString(CultureInfo.InvariantCulture)))?.State;

    private static async Task<IReadOnlyList<EventRecord>> HistoryAsync(TestHub hub, long number) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>().HistoryAsync(number.ToString(CultureInfo.InvariantCulture))).Events;

}
