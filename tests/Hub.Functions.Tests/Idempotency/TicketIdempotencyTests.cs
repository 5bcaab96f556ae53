using System.Net.Http.Json;
using Azure.Data.Tables;
using Hub.Functions.Durable;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Idempotency.IdempotencyKit;

namespace Hub.Functions.Tests.Idempotency;

/// <summary>Idempotency-Key on ticket creates, comments and correspondence, on a real hub.</summary>
public sealed class TicketIdempotencyTests
{
    private const string OperatorKey = "operator-key-0123456789abcdef";
    private const string OtherKey = "other-integrator-key-0123456789abcdef";
    private const string Customer = "jane@example.com";

    private static readonly object Vpn = new { queue = "Customer-Support", subject = "VPN down", body = "Cannot connect.", requestors = new[] { Customer } };

    [Fact]
    public async Task CreateTicket_SameKeyAndBodyTwice_ReplaysTheFirstAnswerWithOneTicketAndOneMail()
    {
        await using TestHub hub = await StartAsync();

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "create-vpn-1");
        Answer again = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "create-vpn-1");

        Assert.Equal(201, first.Status);
        Assert.Null(first.Replayed);
        Assert.Equal(201, again.Status);
        Assert.Equal("true", again.Replayed);
        Assert.Equal("/api/tickets/1", again.Location);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(1L, Assert.Single(await HubState.TicketNumbersAsync(hub)));
        Assert.Equal(["[hub #1] VPN down"], await MailsToAsync(hub, Customer));
    }

    [Fact]
    public async Task CreateTicket_SameKeyOtherBody_Answers422NamingTheHeaderAndStoresNothing()
    {
        await using TestHub hub = await StartAsync();
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "create-vpn-2");

        Answer other = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "Customer-Support", subject = "Printer" }, "create-vpn-2");

        Assert.Equal(422, other.Status);
        Assert.Equal(["Idempotency-Key"], other.ErrorFields());
        Assert.Contains("create-vpn-2", other.Body, StringComparison.Ordinal);
        Assert.Equal(1L, Assert.Single(await HubState.TicketNumbersAsync(hub)));
        Assert.Single(await MailsToAsync(hub, Customer));
    }

    [Fact]
    public async Task CreateTicket_SameKeyFiveTimesAtOnce_CreatesOneTicketAndEveryAnswerIsItOrA409()
    {
        await using TestHub hub = await StartAsync();

        Answer[] answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "burst")));

        Assert.All(answers, a => Assert.True(a.Status is 201 or 409, $"{a.Status}: {a.Body}"));
        Assert.Single(answers, a => a.Status == 201 && a.Replayed is null);
        Assert.All(answers.Where(a => a.Status == 201), a => Assert.Equal("/api/tickets/1", a.Location));
        Assert.Equal(1L, Assert.Single(await HubState.TicketNumbersAsync(hub)));
        Assert.Single(await MailsToAsync(hub, Customer));
    }

    [Fact]
    public async Task CreateTicket_DifferentKeys_CreatesTwoTickets()
    {
        await using TestHub hub = await StartAsync();

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "key-a");
        Answer second = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "key-b");

        Assert.Equal((201, 201), (first.Status, second.Status));
        Assert.Null(second.Replayed);
        Assert.Equal([1L, 2L], (await HubState.TicketNumbersAsync(hub)).Order());
        Assert.Equal(2, (await MailsToAsync(hub, Customer)).Count);
    }

    [Fact]
    public async Task CreateTicket_SameKeyFromTwoCallers_CreatesOneTicketEach()
    {
        await using TestHub hub = await StartAsync();

        Answer mine = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "shared-key");
        Answer theirs = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OtherKey, Vpn, "shared-key");

        Assert.Equal((201, 201), (mine.Status, theirs.Status));
        Assert.Null(theirs.Replayed);
        Assert.Equal([1L, 2L], (await HubState.TicketNumbersAsync(hub)).Order());
    }

    [Fact]
    public async Task CreateTicket_NoKey_EachRequestCreatesATicket()
    {
        await using TestHub hub = await StartAsync();

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, null);
        Answer second = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, null);

        Assert.Equal(("/api/tickets/1", "/api/tickets/2"), (first.Location, second.Location));
        Assert.Null(second.Replayed);
        Assert.Equal([1L, 2L], (await HubState.TicketNumbersAsync(hub)).Order());
    }

    [Fact]
    public async Task CreateTicket_RepeatedJustInsideAndThenPast24Hours_ReplaysThenCreatesANewTicket()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using TestHub hub = await StartAsync(clock);
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "daily-key");

        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Answer inside = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "daily-key");
        clock.Advance(TimeSpan.FromSeconds(2));
        Answer past = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "daily-key");

        Assert.Equal(("true", "/api/tickets/1"), (inside.Replayed, inside.Location));
        Assert.Equal((201, null, "/api/tickets/2"), (past.Status, past.Replayed, past.Location));
        Assert.Equal([1L, 2L], (await HubState.TicketNumbersAsync(hub)).Order());
    }

    [Fact]
    public async Task CreateTicket_RefusedByTheQueueRules_StoresNothingAndLeavesTheKeyFree()
    {
        await using TestHub hub = await StartAsync();
        var invalid = new { queue = "ProductionDefect", subject = "x", customFields = new Dictionary<string, string> { ["Classification"] = "Catastrophic" } };

        Answer refused = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, invalid, "fix-and-retry");
        Answer corrected = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "fix-and-retry");

        Assert.Equal(422, refused.Status);
        Assert.Contains("Classification", refused.Body, StringComparison.Ordinal);
        Assert.Equal((201, null), (corrected.Status, corrected.Replayed));
        Assert.Single(await HubState.TicketNumbersAsync(hub));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(0)]
    public async Task CreateTicket_KeyOutsideTheRule_Answers400NamingTheHeaderAndStoresNothing(int length)
    {
        await using TestHub hub = await StartAsync();

        Answer refused = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, new string('k', length));

        Assert.Equal(400, refused.Status);
        Assert.Equal(["Idempotency-Key"], refused.ErrorFields());
        Assert.Empty(await HubState.TicketNumbersAsync(hub));
    }

    [Fact]
    public async Task CreateTicket_FirstAttemptStillHoldsTheKey_Answers409ThenATakeOverKeepsItsNumber()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using TestHub hub = await StartAsync(clock);
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "crashy");
        // Make the record look like an attempt that took number 1, committed, and stopped before storing its answer.
        TableClient table = (await Azurite.SharedAsync()).Account().GetTableClient(hub.App.Services.GetRequiredService<DurableNames>().Table + "idempotency");
        TableEntity record = (await table.GetEntityAsync<TableEntity>("test-operator", "crashy")).Value;
        foreach (string done in new[] { "Status", "Answer", "Location" })
        {
            record.Remove(done);
        }

        record["LeaseUntil"] = clock.GetUtcNow().AddSeconds(30);
        await table.UpdateEntityAsync(record, record.ETag, TableUpdateMode.Replace);

        Answer busy = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "crashy");
        clock.Advance(TimeSpan.FromSeconds(31));
        Answer taken = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "crashy");
        Answer replayed = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "crashy");

        Assert.Equal(409, busy.Status);
        Assert.Equal(TimeSpan.FromSeconds(30), busy.RetryAfter);
        Assert.Equal(["Idempotency-Key"], busy.ErrorFields());
        Assert.Equal((201, "/api/tickets/1"), (taken.Status, taken.Location));
        Assert.Equal(("true", taken.Body), (replayed.Replayed, replayed.Body));
        Assert.Equal(1L, Assert.Single(await HubState.TicketNumbersAsync(hub)));
        Assert.Single(await MailsToAsync(hub, Customer));
    }

    [Fact]
    public async Task Housekeeping_DeletesTheRecordsPastTheirRetentionAndKeepsTheOthers()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using TestHub hub = await StartAsync(clock);
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "old-key");
        clock.Advance(TimeSpan.FromHours(12));
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, "young-key");
        clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1));
        TableClient table = (await Azurite.SharedAsync()).Account().GetTableClient(hub.App.Services.GetRequiredService<DurableNames>().Table + "idempotency");

        using var run = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/Housekeeping") { Content = JsonContent.Create(new { input = "" }) };
        run.Headers.Add(Hub.Functions.Admin.AdminKey.Header, TestHub.AdminKey);
        using HttpResponseMessage accepted = await hub.Client.SendAsync(run);
        await HubState.WaitUntilAsync(async () => !(await table.GetEntityIfExistsAsync<TableEntity>("test-operator", "old-key")).HasValue);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>("test-operator", "young-key")).HasValue);
    }

    [Fact]
    public async Task Correspond_SameKeyAndBodyTwice_OneReplyAndOneMailToTheCustomer()
    {
        await using TestHub hub = await StartAsync();
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, null);

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/correspondence", OperatorKey, new { body = "We are on it." }, "reply-1");
        Answer again = await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/correspondence", OperatorKey, new { body = "We are on it." }, "reply-1");

        Assert.Equal((202, 202), (first.Status, again.Status));
        Assert.Equal(("true", "/api/tickets/1"), (again.Replayed, again.Location));
        Assert.Equal(1, (await EventCountsAsync(hub, "ticket", "Corresponded"))[1]);
        // The create's mail and one reply.
        Assert.Equal(2, (await MailsToAsync(hub, Customer)).Count);
    }

    [Fact]
    public async Task Comment_SameKeyOtherBody_Answers422AndKeepsOnlyTheFirstComment()
    {
        await using TestHub hub = await StartAsync();
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, null);

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "first note" }, "note-1");
        Answer other = await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "second note" }, "note-1");

        Assert.Equal(202, first.Status);
        Assert.Equal(422, other.Status);
        Assert.Equal(["Idempotency-Key"], other.ErrorFields());
        Assert.Equal(1, (await EventCountsAsync(hub, "ticket", "Commented"))[1]);
    }

    [Fact]
    public async Task Comment_DifferentKeysOrNoKey_EachAddsAComment()
    {
        await using TestHub hub = await StartAsync();
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, null);

        await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "note" }, "note-a");
        await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "note" }, "note-b");
        await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "note" }, null);
        await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "note" }, null);

        Assert.Equal(4, (await EventCountsAsync(hub, "ticket", "Commented"))[1]);
    }

    [Fact]
    public async Task Comment_RepeatedPast24Hours_IsANewComment()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using TestHub hub = await StartAsync(clock);
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, Vpn, null);
        await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "note" }, "note-daily");

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Answer past = await SendAsync(hub, HttpMethod.Post, "/api/tickets/1/comments", OperatorKey, new { body = "note" }, "note-daily");

        Assert.Equal((202, null), (past.Status, past.Replayed));
        Assert.Equal(2, (await EventCountsAsync(hub, "ticket", "Commented"))[1]);
    }

    private static Task<TestHub> StartAsync(TimeProvider? clock = null) => TestHub.StartAsync(
        new Dictionary<string, string?>
        {
            ["Hub__ApiKeys__test-operator"] = $"operator,integrator:{OperatorKey}",
            ["Hub__ApiKeys__other-integrator"] = $"integrator:{OtherKey}",
        },
        clock is null ? null : services => services.AddSingleton(clock));
}
