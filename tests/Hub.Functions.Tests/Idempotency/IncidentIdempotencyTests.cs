using Hub.Domain.Incidents;
using Hub.Functions.Tests.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Idempotency.IdempotencyKit;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Idempotency;

/// <summary>Idempotency-Key on opening incidents and on the bug-report hand-off, on a real hub (and a local RT).</summary>
public sealed class IncidentIdempotencyTests
{
    private const string TechLead = "alice@example.org";
    private const string Analyst = "analyst@example.com";

    private static readonly object Archive = new { subject = "Archive unresponsive", service = "archive" };
    private static readonly object HandOffBody = new { team = "Archive-Team", tier = "PROD", recipients = new[] { Analyst } };

    [Fact]
    public async Task Open_SameKeyAndBodyTwice_ReplaysWithOneTicketOneIncidentAndOnePage()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, Archive, "open-archive");
        await IncidentApiTests.WaitForAsync(hub, 1, s => s.Pages.Count == 1, TimeSpan.FromSeconds(20));
        Answer again = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, Archive, "open-archive");

        Assert.Equal((201, 201), (first.Status, again.Status));
        Assert.Equal(("true", "/api/incidents/1", first.Body), (again.Replayed, again.Location, again.Body));
        Assert.Equal(1L, again.Number("ticket"));
        Assert.Equal(1L, Assert.Single(await HubState.TicketNumbersAsync(hub)));
        Assert.Single(await MailsToAsync(hub, TechLead));
    }

    [Fact]
    public async Task Open_SameKeyOtherBody_Answers422AndOpensNothing()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, Archive, "open-twice");

        Answer other = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { subject = "VPN down", service = "vpn" }, "open-twice");

        Assert.Equal(422, other.Status);
        Assert.Equal(["Idempotency-Key"], other.ErrorFields());
        Assert.Equal(1L, Assert.Single(await HubState.TicketNumbersAsync(hub)));
    }

    [Fact]
    public async Task Open_DifferentKeys_OpensTwoIncidents()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, Archive, "open-a");
        Answer second = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, Archive, "open-b");

        Assert.Equal((1L, 2L), (first.Number("ticket"), second.Number("ticket")));
        Assert.Null(second.Replayed);
        await IncidentApiTests.WaitForAsync(hub, 2, s => s.Pages.Count == 1, TimeSpan.FromSeconds(20));
        Assert.Equal([1L, 2L], (await HubState.TicketNumbersAsync(hub)).Order());
    }

    [Fact]
    public async Task Open_RepeatedPast24Hours_OpensANewIncident()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")), services => services.AddSingleton<TimeProvider>(clock));
        await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, Archive, "open-daily");

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Answer past = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, Archive, "open-daily");

        Assert.Equal((201, null, 2L), (past.Status, past.Replayed, past.Number("ticket")));
        Assert.Equal([1L, 2L], (await HubState.TicketNumbersAsync(hub)).Order());
    }

    [Fact]
    public async Task OpenForATicket_SameKeyTwice_ReplaysTheFirstAnswer()
    {
        await using TestHub hub = await TestHub.StartAsync(Settings(Write(ackWithin: "10m")));
        await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "ProductionDefect", subject = "Slow search" }, null);

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { ticket = 1 }, "open-for-1");
        Answer again = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { ticket = 1 }, "open-for-1");
        Answer withoutKey = await SendAsync(hub, HttpMethod.Post, "/api/incidents", OperatorKey, new { ticket = 1 }, null);

        Assert.Equal(201, first.Status);
        Assert.Equal((201, "true", first.Body), (again.Status, again.Replayed, again.Body));
        Assert.Equal(409, withoutKey.Status);
    }

    [Fact]
    public async Task HandOff_SameKeyAndBodyTwice_OneRtTicketAndNoSecondMail()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        await using TestHub hub = await StartWithRtAsync(rt);
        await OpenBugReportAsync(hub);

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, HandOffBody, "hand-off-1");
        await IncidentApiTests.WaitForAsync(hub, 1, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(20));
        await HubState.WaitForIdleAsync(hub);
        int mails = await MailCountAsync(hub);
        Answer again = await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, HandOffBody, "hand-off-1");

        Assert.Equal((200, 200), (first.Status, again.Status));
        Assert.Equal(("true", first.Body), (again.Replayed, again.Body));
        Assert.Single(rt.Tickets);
        Assert.Equal(mails, await MailCountAsync(hub));
        Assert.Single(await MailsToAsync(hub, Analyst), s => s.StartsWith("[hub #1] Transferred to Archive-Team", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandOff_SameKeyOtherBody_Answers422AndHandsOffOnce()
    {
        await using FakeRt rt = await FakeRt.StartAsync();
        await using TestHub hub = await StartWithRtAsync(rt);
        await OpenBugReportAsync(hub);
        await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, HandOffBody, "hand-off-2");
        await IncidentApiTests.WaitForAsync(hub, 1, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(20));

        Answer other = await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, new { team = "Mail-Team", tier = "PROD" }, "hand-off-2");
        await HubState.WaitForIdleAsync(hub);

        Assert.Equal(422, other.Status);
        Assert.Equal(["Idempotency-Key"], other.ErrorFields());
        Assert.Equal("Archive-Team", Assert.Single(rt.Tickets).Queue);
    }

    [Fact]
    public async Task HandOff_DifferentKeysOrPast24Hours_IsANewRequestTheIncidentDecidesOn()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using FakeRt rt = await FakeRt.StartAsync();
        await using TestHub hub = await StartWithRtAsync(rt, clock);
        await OpenBugReportAsync(hub);
        await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, HandOffBody, "hand-off-3");
        await IncidentApiTests.WaitForAsync(hub, 1, s => s.Status == IncidentStatus.HandedOff, TimeSpan.FromSeconds(20));

        Answer withoutKey = await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, HandOffBody, null);
        Answer otherKey = await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, HandOffBody, "hand-off-4");
        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Answer expired = await SendAsync(hub, HttpMethod.Post, "/api/incidents/1/hand-off", OperatorKey, HandOffBody, "hand-off-3");
        await HubState.WaitForIdleAsync(hub);

        // A second hand-off is the incident's to refuse, whichever key it carries, as it is without one.
        Assert.Equal(409, withoutKey.Status);
        Assert.Equal((withoutKey.Status, null), (otherKey.Status, otherKey.Replayed));
        Assert.Equal((withoutKey.Status, null), (expired.Status, expired.Replayed));
        Assert.Single(rt.Tickets);
    }

    private static async Task<TestHub> StartWithRtAsync(FakeRt rt, TimeProvider? clock = null)
    {
        Dictionary<string, string?> settings = Settings(Write(rtUrl: rt.BaseAddress));
        settings["Hub__Connectors__RtToken"] = FakeRt.Token;
        return await TestHub.StartAsync(settings, clock is null ? null : services => services.AddSingleton(clock));
    }

    private static async Task OpenBugReportAsync(TestHub hub)
    {
        Answer created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "ProductionDefect", subject = "Export truncates CSV", body = "Rows after 65,536 are lost.", requestors = new[] { Analyst },
            customFields = new Dictionary<string, string> { ["Classification"] = "BugReport" },
        }, null);
        Assert.Equal(201, created.Status);
    }
}
