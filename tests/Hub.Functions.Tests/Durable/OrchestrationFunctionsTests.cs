using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Durable;

/// <summary>
/// The orchestration management functions on a real hub (the Durable worker on Azurite): an incident whose
/// tech lead has ten minutes to acknowledge leaves its escalation timer, an <c>IncidentEscalation</c> orchestration
/// <c>incident:&lt;ticket&gt;:escalation:&lt;sequence&gt;</c>, running for the length of a test.
/// </summary>
public sealed class OrchestrationFunctionsTests
{
    private const string Orchestrations = "/api/admin/orchestrations";

    [Fact]
    public async Task List_IncidentWaitingForItsAck_ShowsItsTimerAndFiltersByStatusPrefixAndCreationTime()
    {
        await using TestHub hub = await StartAsync();
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        string timer = await OpenIncidentTimerAsync(hub);

        JsonElement running = await ListAsync(hub, "?status=Running&instanceIdPrefix=incident:");
        JsonElement finished = await ListAsync(hub, "?status=Completed,Terminated&status=failed");
        JsonElement otherPrefix = await ListAsync(hub, "?instanceIdPrefix=effects:");
        JsonElement createdLater = await ListAsync(hub, $"?createdFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        JsonElement createdInWindow = await ListAsync(hub, $"?createdFrom={Uri.EscapeDataString(before.ToString("O"))}&createdTo={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");

        JsonElement item = Assert.Single(running.GetProperty("items").EnumerateArray());
        Assert.Equal(timer, item.GetProperty("instanceId").GetString());
        Assert.Equal("IncidentEscalation", item.GetProperty("name").GetString());
        Assert.Equal("Running", item.GetProperty("runtimeStatus").GetString());
        Assert.InRange(item.GetProperty("createdAt").GetDateTimeOffset(), before, DateTimeOffset.UtcNow);
        Assert.True(item.GetProperty("lastUpdatedAt").GetDateTimeOffset() >= item.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("failure").ValueKind);
        Assert.Equal(JsonValueKind.Null, running.GetProperty("continuation").ValueKind);
        Assert.Empty(finished.GetProperty("items").EnumerateArray());
        Assert.Empty(otherPrefix.GetProperty("items").EnumerateArray());
        Assert.Empty(createdLater.GetProperty("items").EnumerateArray());
        Assert.Equal([timer], createdInWindow.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()));
    }

    [Fact]
    public async Task List_PageSizeOne_PagesThroughEveryInstanceWithTheContinuationToken()
    {
        await using TestHub hub = await StartAsync();
        string first = await OpenIncidentTimerAsync(hub);
        string second = await OpenIncidentTimerAsync(hub);

        JsonElement page1 = await ListAsync(hub, "?pageSize=1");
        string continuation = page1.GetProperty("continuation").GetString()!;
        JsonElement page2 = await ListAsync(hub, "?pageSize=1&continuation=" + Uri.EscapeDataString(continuation));

        string?[] seen = [.. page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("instanceId").GetString())];
        Assert.Equal(2, seen.Length);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Get_RunningTimer_ShowsItsInputAndHistoryAtItsIdRawOrPercentEncoded()
    {
        await using TestHub hub = await StartAsync();
        string timer = await OpenIncidentTimerAsync(hub);

        HttpResponseMessage raw = await hub.Client.GetAsync(new Uri(Orchestrations + "/" + timer, UriKind.Relative));
        HttpResponseMessage encoded = await hub.Client.GetAsync(new Uri(Orchestrations + "/" + timer.Replace(":", "%3A", StringComparison.Ordinal), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(HttpStatusCode.OK, encoded.StatusCode);
        using JsonDocument detail = JsonDocument.Parse(await raw.Content.ReadAsStringAsync());
        using JsonDocument again = JsonDocument.Parse(await encoded.Content.ReadAsStringAsync());
        JsonElement root = detail.RootElement;
        Assert.Equal(timer, root.GetProperty("instanceId").GetString());
        Assert.Equal(timer, again.RootElement.GetProperty("instanceId").GetString());
        Assert.Equal("Running", root.GetProperty("runtimeStatus").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("output").ValueKind);
        JsonElement input = root.GetProperty("input");
        Assert.Equal("incident", Property(input, "aggregateKind").GetString());
        Assert.Equal("escalation", Property(input, "name").GetString());
        Assert.Equal(timer, Property(input, "token").GetString());
        JsonElement[] history = [.. root.GetProperty("history").EnumerateArray()];
        JsonElement started = Assert.Single(history, e => e.GetProperty("eventType").GetString() == "ExecutionStarted");
        Assert.Equal("IncidentEscalation", started.GetProperty("name").GetString());
        JsonElement created = Assert.Single(history, e => e.GetProperty("eventType").GetString() == "TimerCreated");
        // The tech lead has ten minutes to acknowledge.
        Assert.InRange(created.GetProperty("fireAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Get_TimerStartedWithoutInput_IsFailedWithTheOrchestratorsErrorAndCannotBeTerminated()
    {
        await using TestHub hub = await StartAsync();
        // A start that lost its input: the hub's own orchestrator refuses it.
        await hub.App.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>().ScheduleNewOrchestrationInstanceAsync(
            "AggregateTimer", input: null, new Microsoft.DurableTask.StartOrchestrationOptions("timer:broken"));

        JsonElement failed = await WaitForStatusAsync(hub, "timer:broken", "Failed");
        JsonElement listed = await ListAsync(hub, "?status=Failed");
        HttpResponseMessage terminate = await hub.Client.PostAsync(new Uri(Orchestrations + "/timer:broken/terminate", UriKind.Relative), null);

        Assert.Equal("An aggregate timer needs its input.", failed.GetProperty("failure").GetProperty("errorMessage").GetString());
        JsonElement item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal("timer:broken", item.GetProperty("instanceId").GetString());
        Assert.Equal("An aggregate timer needs its input.", item.GetProperty("failure").GetProperty("errorMessage").GetString());
        JsonElement completed = Assert.Single(failed.GetProperty("history").EnumerateArray(), e => e.GetProperty("eventType").GetString() == "ExecutionCompleted");
        Assert.Equal("Failed", completed.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, terminate.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownInstanceWithColons_Answers404ProblemNamingTheDecodedId()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage unknown = await hub.Client.GetAsync(new Uri(Orchestrations + "/effects%3Aticket%3A12%3A3", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync());
        Assert.Equal("No orchestration has instance id 'effects:ticket:12:3'.", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Terminate_RunningTimer_EndsItTerminatedWithTheReasonThenAnswers409AndUnknownIs404()
    {
        await using TestHub hub = await StartAsync();
        string timer = await OpenIncidentTimerAsync(hub);

        HttpResponseMessage terminate = await hub.Client.PostAsJsonAsync(new Uri(Orchestrations + "/" + timer + "/terminate", UriKind.Relative), new { reason = "paged by phone instead" });
        JsonElement terminated = await WaitForStatusAsync(hub, timer, "Terminated");
        HttpResponseMessage again = await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/terminate", UriKind.Relative), null);
        HttpResponseMessage unknown = await hub.Client.PostAsync(new Uri(Orchestrations + "/timer:nope/terminate", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        Assert.Equal(Orchestrations + "/" + timer.Replace(":", "%3A", StringComparison.Ordinal), terminate.Headers.Location?.OriginalString);
        Assert.Equal(timer, (await terminate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString());
        Assert.Equal("paged by phone instead", terminated.GetProperty("output").GetString());
        Assert.Contains(terminated.GetProperty("history").EnumerateArray(), e => e.GetProperty("eventType").GetString() == "ExecutionTerminated");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("Terminated", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Restart_TerminatedTimer_RunsAgainUnderANewIdOrItsOwnWithTheSameInput()
    {
        await using TestHub hub = await StartAsync();
        string timer = await OpenIncidentTimerAsync(hub);
        Assert.Equal(HttpStatusCode.Accepted, (await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/terminate", UriKind.Relative), null)).StatusCode);
        JsonElement original = await WaitForStatusAsync(hub, timer, "Terminated");

        HttpResponseMessage copy = await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/restart", UriKind.Relative), null);
        string copyId = (await copy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        JsonElement copied = await WaitForStatusAsync(hub, copyId, "Running");
        HttpResponseMessage same = await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/restart?restartWithNewInstanceId=false", UriKind.Relative), null);
        JsonElement restarted = await WaitForStatusAsync(hub, timer, "Running");
        HttpResponseMessage whileRunning = await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/restart?restartWithNewInstanceId=false", UriKind.Relative), null);
        HttpResponseMessage badFlag = await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/restart?restartWithNewInstanceId=maybe", UriKind.Relative), null);
        HttpResponseMessage unknown = await hub.Client.PostAsync(new Uri(Orchestrations + "/timer:nope/restart", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, copy.StatusCode);
        Assert.NotEqual(timer, copyId);
        Assert.Equal("IncidentEscalation", copied.GetProperty("name").GetString());
        Assert.Equal(original.GetProperty("input").GetRawText(), copied.GetProperty("input").GetRawText());
        Assert.Equal(HttpStatusCode.Accepted, same.StatusCode);
        Assert.Equal(timer, (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString());
        Assert.Equal(original.GetProperty("input").GetRawText(), restarted.GetProperty("input").GetRawText());
        Assert.Equal(HttpStatusCode.Conflict, whileRunning.StatusCode);
        await AssertInvalidQueryAsync(badFlag, "restartWithNewInstanceId");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_RunningTimer_Answers202AndTheEventWithItsPayloadIsInTheHistory()
    {
        await using TestHub hub = await StartAsync();
        string timer = await OpenIncidentTimerAsync(hub);
        string encoded = timer.Replace(":", "%3A", StringComparison.Ordinal);

        HttpResponseMessage raised = await hub.Client.PostAsJsonAsync(new Uri(Orchestrations + "/" + encoded + "/events/nudge", UriKind.Relative), new { note = "check the pager" });
        HttpResponseMessage bare = await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/events/poke", UriKind.Relative), null);
        JsonElement[] events = [];
        await HubState.WaitUntilAsync(async () =>
        {
            events = [.. (await GetAsync(hub, timer)).GetProperty("history").EnumerateArray().Where(e => e.GetProperty("eventType").GetString() == "EventRaised")];
            return events.Length == 2;
        });
        HttpResponseMessage unknown = await hub.Client.PostAsync(new Uri(Orchestrations + "/timer:nope/events/nudge", UriKind.Relative), null);
        HttpResponseMessage notJson = await hub.Client.PostAsync(
            new Uri(Orchestrations + "/" + timer + "/events/nudge", UriKind.Relative), new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        Assert.Equal(timer, (await raised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString());
        Assert.Equal(HttpStatusCode.Accepted, bare.StatusCode);
        JsonElement nudge = Assert.Single(events, e => e.GetProperty("name").GetString() == "nudge");
        Assert.Equal("check the pager", nudge.GetProperty("input").GetProperty("note").GetString());
        Assert.Single(events, e => e.GetProperty("name").GetString() == "poke");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_TerminatedTimer_Answers409()
    {
        await using TestHub hub = await StartAsync();
        string timer = await OpenIncidentTimerAsync(hub);
        Assert.Equal(HttpStatusCode.Accepted, (await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/terminate", UriKind.Relative), null)).StatusCode);
        await WaitForStatusAsync(hub, timer, "Terminated");

        HttpResponseMessage late = await hub.Client.PostAsync(new Uri(Orchestrations + "/" + timer + "/events/nudge", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("application/problem+json", late.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Endpoints_WithoutTheAdminKey_Answer401ProblemAndLeaveTheInstanceRunning()
    {
        await using TestHub hub = await StartAsync();
        string timer = await OpenIncidentTimerAsync(hub);
        (HttpMethod Method, string Path)[] routes =
        [
            (HttpMethod.Get, Orchestrations),
            (HttpMethod.Get, $"{Orchestrations}/{timer}"),
            (HttpMethod.Post, $"{Orchestrations}/{timer}/events/nudge"),
            (HttpMethod.Post, $"{Orchestrations}/{timer}/terminate"),
            (HttpMethod.Post, $"{Orchestrations}/{timer}/restart"),
        ];
        using var anonymous = new HttpClient { BaseAddress = hub.BaseAddress };

        var answers = new List<(string Route, string Who, HttpStatusCode Status, string? Type)>();
        foreach ((HttpMethod method, string path) in routes)
        {
            foreach ((string who, string header, string? key) in new[] { ("nobody", "x-functions-key", (string?)null), ("wrong key", "x-functions-key", "wrong-admin-key-0000000000"), ("operator API key", "X-Api-Key", OperatorKey) })
            {
                using var request = new HttpRequestMessage(method, path);
                if (key is not null)
                {
                    request.Headers.Add(header, key);
                }

                HttpResponseMessage answer = await anonymous.SendAsync(request);
                answers.Add(($"{method} {path}", who, answer.StatusCode, answer.Content.Headers.ContentType?.MediaType));
            }
        }

        Assert.Equal(15, answers.Count);
        Assert.All(answers, a => Assert.Equal((a.Route, a.Who, HttpStatusCode.Unauthorized, "application/problem+json"), (a.Route, a.Who, a.Status, a.Type)));
        Assert.Equal("Running", (await GetAsync(hub, timer)).GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task List_BadFilters_Answer400ProblemNamingTheParameter()
    {
        await using TestHub hub = await StartAsync();
        (string Query, string Parameter)[] cases =
        [
            ("status=Sleeping", "status"),
            ("status=Running,Canceled", "status"),
            ("status=1", "status"),
            ("createdFrom=yesterday", "createdFrom"),
            ("createdTo=2026-13-01", "createdTo"),
            ("createdFrom=2026-12-02T00:00:00Z&createdTo=2026-12-01T00:00:00Z", "createdFrom"),
            ("pageSize=0", "pageSize"),
            ("pageSize=1001", "pageSize"),
            ("pageSize=ten", "pageSize"),
        ];

        foreach ((string query, string parameter) in cases)
        {
            await AssertInvalidQueryAsync(await hub.Client.GetAsync(new Uri($"{Orchestrations}?{query}", UriKind.Relative)), parameter);
        }

        HttpResponseMessage unknownStatus = await hub.Client.GetAsync(new Uri($"{Orchestrations}?status=Sleeping", UriKind.Relative));
        using JsonDocument problem = JsonDocument.Parse(await unknownStatus.Content.ReadAsStringAsync());
        Assert.Equal(
            "status: 'Sleeping' is not a runtime status; use Pending, Running, Suspended, Completed, Failed, Terminated.",
            problem.RootElement.GetProperty("detail").GetString());
    }

    private static async Task<TestHub> StartAsync()
    {
        TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        hub.Client.DefaultRequestHeaders.Add("x-functions-key", TestHub.AdminKey);
        return hub;
    }

    /// <summary>
    /// Opens an incident and returns the instance id of its escalation timer (incident:&lt;ticket&gt;:escalation:&lt;sequence&gt;),
    /// once that orchestration runs.
    /// </summary>
    private static async Task<string> OpenIncidentTimerAsync(TestHub hub)
    {
        long ticket = await Incidents.IncidentApiTests.TicketOf(
            await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Archive unresponsive", service = "archive" }));
        AggregateStore store = hub.App.Services.GetRequiredService<AggregateStore>();
        string? timer = null;
        await HubState.WaitUntilAsync(async () =>
            (await store.LoadAsync($"incident:{ticket}"))?.Timers.TryGetValue(IncidentDecider.EscalationTimer, out TimerSlot? slot) == true && (timer = slot.Token) is not null);
        Assert.Matches($"^incident:{ticket}:escalation:[0-9]+$", timer);
        await WaitForStatusAsync(hub, timer!, "Running");
        return timer!;
    }

    private static async Task<JsonElement> ListAsync(TestHub hub, string query)
    {
        HttpResponseMessage answer = await hub.Client.GetAsync(new Uri(Orchestrations + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> GetAsync(TestHub hub, string instanceId)
    {
        HttpResponseMessage answer = await hub.Client.GetAsync(new Uri(Orchestrations + "/" + Uri.EscapeDataString(instanceId), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> WaitForStatusAsync(TestHub hub, string instanceId, string status)
    {
        JsonElement instance = default;
        await HubState.WaitUntilAsync(async () =>
        {
            HttpResponseMessage answer = await hub.Client.GetAsync(new Uri(Orchestrations + "/" + Uri.EscapeDataString(instanceId), UriKind.Relative));
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            instance = await answer.Content.ReadFromJsonAsync<JsonElement>();
            return instance.GetProperty("runtimeStatus").GetString() == status;
        });
        return instance;
    }

    private static async Task AssertInvalidQueryAsync(HttpResponseMessage answer, string parameter)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal(parameter, problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    // The Durable data converter's casing is its own; the test reads the input the way an operator would, by name.
    private static JsonElement Property(JsonElement value, string name) =>
        value.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
