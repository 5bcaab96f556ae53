using System.Net;
using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Incidents;

/// <summary>The incident playbook on real hubs: auto-open from Urgent tickets, the escalation chain on durable timers, the API.</summary>
public sealed class IncidentApiTests
{
    [Fact]
    public async Task Escalation_NobodyAcknowledges_RealHubPagesEveryLevelAtItsDeadlineThenStops()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "1s")));

        HttpResponseMessage opened = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Archive unresponsive", service = "archive" });
        long ticket = await TicketOf(opened);
        IncidentState incident = await WaitForAsync(hub, ticket, s => s.EscalationExhausted, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Equal(["alice@example.org", "tess@example.org", "max@example.org"], incident.Pages.Select(p => p.To));
        for (int i = 1; i < incident.Pages.Count; i++)
        {
            // Each level is paged at (or, by queue polling, shortly after) the previous level's deadline, never before.
            Assert.InRange(incident.Pages[i].At - incident.Pages[i - 1].Deadline, TimeSpan.Zero, TimeSpan.FromSeconds(6));
        }

        Assert.Equal(IncidentStatus.Paging, incident.Status);
        Assert.Equal(3, (await OutboxKindsAsync(hub, ticket, "incident-page", 3)).Count(k => k == "incident-page"));
    }

    [Fact]
    public async Task Escalation_HubStoppedBeforeTheDeadline_NewHubOnTheSameStoragePagesTheNextLevelAndAcknowledgeStopsIt()
    {
        // Windows long enough that the acknowledgement below lands before the manager's page, even on a loaded machine.
        string config = Write(ackWithin: "5s");
        string durable = Azurite.UniqueName("d");
        long ticket;
        DateTimeOffset techLeadDeadline;
        await using (TestHub first = await TestHub.StartAsync(Settings(config, durable)))
        {
            ticket = await TicketOf(await SendAsync(first, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "VPN down", service = "vpn", affectsEndUsers = true }));
            IncidentState opened = await WaitForAsync(first, ticket, s => s.Pages.Count == 1, TimeSpan.FromSeconds(20));
            Assert.Equal("alice@example.org", opened.Pages[0].To);
            Assert.Contains("computing-help@example.org", opened.Recipients);
            techLeadDeadline = opened.Pages[0].Deadline;
            await first.StopAsync();
        }

        // Every hub process is gone when the tech lead's deadline passes.
        await HubState.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > techLeadDeadline));
        await using TestHub second = await TestHub.StartAsync(Settings(config, durable));
        IncidentState escalated = await WaitForAsync(second, ticket, s => s.Pages.Count == 2, TimeSpan.FromSeconds(20));
        HttpResponseMessage ack = await SendAsync(second, HttpMethod.Post, $"/api/incidents/{ticket}/acknowledge", TessKey, new { note = "on it" });
        // Past the team lead's deadline, its cancelled timer fires and is dropped, leaving only the chase timer waiting:
        // had the acknowledgement not stopped the chain, the manager would be paged by then.
        DateTimeOffset teamLeadDeadline = escalated.Pages[1].Deadline;
        await HubState.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > teamLeadDeadline));
        await HubState.WaitForIdleAsync(second);
        IncidentState after = await ReadAsync(second, ticket);

        Assert.Equal("tess@example.org", escalated.Pages[1].To);
        Assert.True(escalated.Pages[1].At >= escalated.Pages[0].Deadline, "paged before the deadline");
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(IncidentStatus.Acknowledged, after.Status);
        Assert.Equal("tess", after.Acknowledged!.By);
        Assert.Equal(["alice@example.org", "tess@example.org"], after.Pages.Select(p => p.To));
        AggregateSnapshot snapshot = (await second.App.Services.GetRequiredService<AggregateStore>().LoadAsync($"incident:{ticket}"))!;
        Assert.Equal([IncidentDecider.ChaseTimer], snapshot.Timers.Keys);
    }

    [Fact]
    public async Task UrgentTicket_CreatedOrClassifiedLater_OpensItsIncidentExactlyOnce()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));

        HttpResponseMessage urgent = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "ProductionDefect", subject = "Portal down", body = "500s everywhere", requestors = new[] { "jane@example.com" },
            customFields = new Dictionary<string, string> { ["Classification"] = "Urgent", ["AffectsEndUsers"] = "true" },
        });
        long first = await NumberOf(urgent);
        HttpResponseMessage plain = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "ProductionDefect", subject = "Slow archive", body = "slow" });
        long second = await NumberOf(plain);
        IncidentState opened = await WaitForAsync(hub, first, s => s.Exists, TimeSpan.FromSeconds(10));
        HttpResponseMessage classified = await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{second}", OperatorKey, new { customFields = new Dictionary<string, string> { ["Classification"] = "Urgent" } });
        IncidentState later = await WaitForAsync(hub, second, s => s.Exists, TimeSpan.FromSeconds(10));
        HttpResponseMessage again = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { ticket = first });

        Assert.Equal(HttpStatusCode.OK, classified.StatusCode);
        Assert.Equal(["jane@example.com", "isda-pipeline@example.org", "isda-integrators@example.org", "map-support@example.org", "computing-help@example.org"], opened.Recipients);
        Assert.Equal("alice", opened.TechLead!.Name);
        Assert.Equal(IncidentStatus.Paging, later.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single(await HistoryAsync(hub, first), e => e.Type == nameof(IncidentOpened));
        // The Recipient List is recorded on the ticket.
        await HubState.WaitUntilAsync(async () =>
        {
            using JsonDocument t = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, $"/api/tickets/{first}", ReaderKey)).Content.ReadAsStringAsync());
            return t.RootElement.GetProperty("ticket").GetProperty("customFields").TryGetProperty("RecipientList", out JsonElement list)
                && list.GetString() == string.Join(", ", opened.Recipients);
        });
        Assert.Contains("incident-opened", await OutboxKindsAsync(hub, first, "incident-opened", 1));
    }

    [Fact]
    public async Task Playbook_ThroughTheApi_GatesResolutionOnTheScrumAndOnlyTheTechLeadDelegates()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        long ticket = await TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Mail relay down" }));
        await WaitForAsync(hub, ticket, s => s.Exists, TimeSpan.FromSeconds(10));
        string path = $"/api/incidents/{ticket}";

        HttpResponseMessage early = await SendAsync(hub, HttpMethod.Post, path + "/resolve", AliceKey, new { summary = "fixed" });
        HttpResponseMessage ack = await SendAsync(hub, HttpMethod.Post, path + "/acknowledge", AliceKey);
        HttpResponseMessage badRestart = await SendAsync(hub, HttpMethod.Post, path + "/restart-check", AliceKey, new { attempted = true });
        HttpResponseMessage restart = await SendAsync(hub, HttpMethod.Post, path + "/restart-check", AliceKey, new { attempted = false });
        HttpResponseMessage noScrum = await SendAsync(hub, HttpMethod.Post, path + "/start-resolution", AliceKey);
        HttpResponseMessage byOther = await SendAsync(hub, HttpMethod.Post, path + "/tasks", TessKey, new { task = "check relay", assignee = "ops@example.org" });
        HttpResponseMessage byLead = await SendAsync(hub, HttpMethod.Post, path + "/tasks", AliceKey, new { task = "check relay", assignee = "ops@example.org" });
        HttpResponseMessage scrum = await SendAsync(hub, HttpMethod.Post, path + "/scrum", AliceKey, new { attendees = new[] { "alice", "tess" }, plan = "Swap the relay." });
        HttpResponseMessage status = await SendAsync(hub, HttpMethod.Post, path + "/status", AliceKey, new { text = "Relay swapped; queues draining." });
        HttpResponseMessage start = await SendAsync(hub, HttpMethod.Post, path + "/start-resolution", AliceKey);
        HttpResponseMessage resolve = await SendAsync(hub, HttpMethod.Post, path + "/resolve", AliceKey, new { summary = "Relay replaced." });
        HttpResponseMessage badLink = await SendAsync(hub, HttpMethod.Post, path + "/post-mortem", AliceKey, new { documentLink = "notes" });
        HttpResponseMessage close = await SendAsync(hub, HttpMethod.Post, path + "/post-mortem", AliceKey, new { documentLink = "https://wiki.example.org/pm/1" });
        HttpResponseMessage readerWrites = await SendAsync(hub, HttpMethod.Post, path + "/status", ReaderKey, new { text = "x" });
        HttpResponseMessage unknown = await SendAsync(hub, HttpMethod.Post, "/api/incidents/999999/acknowledge", AliceKey);

        await AssertProblemAsync(early, HttpStatusCode.Conflict, $"Incident #{ticket} is not acknowledged yet; acknowledge it before resolve.");
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        await AssertProblemAsync(badRestart, HttpStatusCode.UnprocessableEntity, "helped: say whether the restart helped (true or false) when attempted is true.", "helped");
        Assert.Equal(HttpStatusCode.OK, restart.StatusCode);
        await AssertProblemAsync(noScrum, HttpStatusCode.Conflict, $"No SCRUM is recorded for incident #{ticket}: record the SCRUM (time, attendees, plan) before start-resolution.");
        await AssertProblemAsync(byOther, HttpStatusCode.Conflict, "Only the Tech Lead (alice) delegates tasks; 'tess' is not the Tech Lead.");
        Assert.Equal(HttpStatusCode.OK, byLead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scrum.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        await AssertProblemAsync(badLink, HttpStatusCode.UnprocessableEntity, "documentLink: must be an absolute http or https URL; got 'notes'.", "documentLink");
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerWrites.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        IncidentState closed = await ReadAsync(hub, ticket);
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        Assert.Equal(new RestartCheck(false, null, null, "alice", closed.Restart!.At), closed.Restart);
        using JsonDocument detail = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, path, ReaderKey)).Content.ReadAsStringAsync());
        Assert.Equal("closed", detail.RootElement.GetProperty("incident").GetProperty("status").GetString());
        Assert.Equal("PostMortemClosed", detail.RootElement.GetProperty("history").EnumerateArray().Last().GetProperty("type").GetString());
    }

    [Fact]
    public async Task List_PagesByPageSizeAndContinuationAndFiltersOpenInStorage()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        long[] opened = new long[3];
        for (int i = 0; i < opened.Length; i++)
        {
            opened[i] = await TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = $"Outage {i}" }));
            await WaitForAsync(hub, opened[i], s => s.Exists, TimeSpan.FromSeconds(10));
        }

        HttpResponseMessage ack = await SendAsync(hub, HttpMethod.Post, $"/api/incidents/{opened[0]}/acknowledge", AliceKey);
        Assert.True(ack.IsSuccessStatusCode, await ack.Content.ReadAsStringAsync());

        (long[] first, string? next) = await ListAsync(hub, "/api/incidents?pageSize=2");
        (long[] rest, string? end) = await ListAsync(hub, $"/api/incidents?pageSize=2&continuation={Uri.EscapeDataString(next ?? "")}");
        (long[] paging, _) = await ListAsync(hub, "/api/incidents?status=paging");
        (long[] open, _) = await ListAsync(hub, "/api/incidents?status=open");

        Assert.Equal(2, first.Length);
        Assert.NotNull(next);
        Assert.Single(rest);
        Assert.Null(end);
        Assert.Equal(opened.Order(), first.Concat(rest).Order());
        Assert.Equal(opened.Skip(1).Order(), paging.Order());
        Assert.Equal(opened.Order(), open.Order());
    }

    private static async Task<(long[] Tickets, string? Continuation)> ListAsync(TestHub hub, string path)
    {
        HttpResponseMessage response = await SendAsync(hub, HttpMethod.Get, path, ReaderKey);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using JsonDocument list = JsonDocument.Parse(text);
        long[] tickets = [.. list.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("ticket").GetInt64())];
        return (tickets, list.RootElement.TryGetProperty("continuation", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null);
    }

    [Fact]
    public async Task Open_UnknownTicketOrNoSubject_Answers422NamingTheField()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write()));

        HttpResponseMessage unknown = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { ticket = 424242 });
        HttpResponseMessage empty = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { });

        await AssertProblemAsync(unknown, HttpStatusCode.UnprocessableEntity, "ticket: ticket #424242 does not exist", "ticket");
        await AssertProblemAsync(empty, HttpStatusCode.UnprocessableEntity, "subject: required when no ticket is named (the hub opens an Urgent ProductionDefect ticket for it)", "subject");
    }

    [Fact]
    public async Task Steps_BodyNotJsonOrMalformedOrBadPageSize_AnswerProblemsAndChangeNothing()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        long ticket = await TicketOf(await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "Proxy down" }));
        await WaitForAsync(hub, ticket, s => s.Exists, TimeSpan.FromSeconds(10));

        HttpResponseMessage plainText = await SendTextAsync(hub, $"/api/incidents/{ticket}/acknowledge", "on it", "text/plain");
        HttpResponseMessage malformed = await SendTextAsync(hub, $"/api/incidents/{ticket}/status", "{\"text\": ", "application/json");
        HttpResponseMessage badPageSize = await SendAsync(hub, HttpMethod.Get, "/api/incidents?pageSize=many", ReaderKey);
        IncidentState after = await ReadAsync(hub, ticket);

        // Routing answers this one (the function declares it consumes JSON), before the function reads the body.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plainText.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        using (JsonDocument problem = JsonDocument.Parse(await malformed.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Malformed JSON body", problem.RootElement.GetProperty("title").GetString());
        }

        await AssertProblemAsync(badPageSize, HttpStatusCode.BadRequest, "pageSize: must be a whole number, not 'many'.", "pageSize");
        Assert.Equal(IncidentStatus.Paging, after.Status);
        Assert.Null(after.Acknowledged);
        Assert.Empty(after.Updates);
    }

    private static async Task<HttpResponseMessage> SendTextAsync(TestHub hub, string path, string text, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(text, System.Text.Encoding.UTF8, mediaType) };
        request.Headers.Add("X-Api-Key", AliceKey);
        return await hub.Client.SendAsync(request);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail, string? field = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
        if (field is not null)
        {
            Assert.Equal(field, problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    internal static async Task<long> TicketOf(HttpResponseMessage created)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("ticket").GetInt64();
    }

    private static async Task<long> NumberOf(HttpResponseMessage created)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("number").GetInt64();
    }

    internal static async Task<IncidentState> ReadAsync(TestHub hub, long ticket)
    {
        var incidents = hub.App.Services.GetRequiredService<AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent>>();
        return (await incidents.GetAsync(ticket.ToString(System.Globalization.CultureInfo.InvariantCulture)))?.State ?? IncidentState.None;
    }

    internal static async Task<IncidentState> WaitForAsync(TestHub hub, long ticket, Func<IncidentState, bool> condition, TimeSpan timeout)
    {
        IncidentState state = IncidentState.None;
        await HubState.WaitUntilAsync(async () => condition(state = await ReadAsync(hub, ticket)), timeout);
        return state;
    }

    private static async Task<IReadOnlyList<EventRecord>> HistoryAsync(TestHub hub, long ticket)
    {
        var incidents = hub.App.Services.GetRequiredService<AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent>>();
        return (await incidents.HistoryAsync(ticket.ToString(System.Globalization.CultureInfo.InvariantCulture))).Events;
    }

    /// <summary>The kinds of the mails of ticket N in the blob outbox, waiting up to 10 s for <paramref name="atLeast"/> of <paramref name="kind"/>.</summary>
    internal static async Task<IReadOnlyList<string>> OutboxKindsAsync(TestHub hub, long ticket, string kind, int atLeast)
    {
        var outbox = (await Azurite.SharedAsync()).Account().GetBlobContainerClient(
            hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>().OutboxContainer);
        var kinds = new List<string>();
        await HubState.WaitUntilAsync(async () =>
        {
            kinds.Clear();
            await foreach (Azure.Storage.Blobs.Models.BlobItem blob in outbox.GetBlobsAsync())
            {
                using JsonDocument mail = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync())!.ToString());
                JsonElement m = mail.RootElement.GetProperty("mail");
                if (m.GetProperty("number").GetInt64() == ticket)
                {
                    kinds.Add(m.GetProperty("kind").GetString()!);
                }
            }

            return kinds.Count(k => k == kind) >= atLeast;
        }, TimeSpan.FromSeconds(10));
        return kinds;
    }
}
