using Hub.Domain.Catalog;
using Hub.Domain.Connectors;
using Hub.Domain.Durable;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Incidents.IncidentFixture;

namespace Hub.Domain.Tests.Incidents;

public sealed class IncidentHandOffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 4, 10, 0, 0, TimeSpan.Zero);

    private static HandOff Request(string? tier = "PROD", string? connector = null) => new(
        Operator, 51, "ProductionDefect", "Export truncates CSV", "Archive-Team", connector, tier, ["dev-lead@example.org"], null, "https://hub.example.org/api/tickets/51");

    [Fact]
    public void HandOff_BugReport_NotifiesTierManagersRecordsTheTeamAndCallsTheConnectorWithAReply()
    {
        var run = new IncidentRun(Config(), T0);

        var handed = run.Send(Request());

        Assert.True(handed.IsOk);
        Assert.Equal(IncidentStatus.HandingOff, run.State.Status);
        Assert.Equal(IncidentKinds.BugReport, run.State.Kind);
        Assert.Equal(["dev-lead@example.org", "isda-pipeline@example.org", "isda-integrators@example.org", "map-support@example.org"], run.State.Recipients);
        TicketNotification managers = run.Mails.Single(m => m.Kind == "handoff-managers");
        Assert.Equal(["prod-manager@example.org"], managers.To);
        ConnectorCall call = ConnectorCall.Parse(run.Effects.Single(e => e.Kind == ConnectorCall.EffectKind).Payload);
        Assert.Equal(("rt", "create", "Archive-Team", "[hub #51] Export truncates CSV"), (call.Connector, call.Operation, call.Queue, call.Subject));
        Assert.Equal("https://hub.example.org/api/tickets/51", call.LinkBackUrl);
        Assert.Equal(new ConnectorReply("incident", "51", "hand-off-outcome", "connector"), call.Reply);
        AggregateCommand record = AggregateCommand.Parse(run.Effects.Single(e => e.Kind == AggregateCommand.EffectKind).Payload);
        Assert.Contains("\"Team\":\"Archive-Team\"", record.Command, StringComparison.Ordinal);
    }

    [Fact]
    public void HandOff_TeamWithALineBreak_IsRefusedWithTheField()
    {
        var run = new IncidentRun(Config(), T0);

        var refused = run.Send(Request() with { Team = "Archive-Team\nSecond line" });

        Assert.Equal("team: must be a single line without line breaks or control characters (it goes into mail subjects).", refused.Reason);
        Assert.False(run.State.Exists);
        Assert.Empty(run.Effects);
    }

    [Fact]
    public void HandOffOutcome_Succeeded_RecordsTheExternalIdAnnouncesTheTransferAndLinksTheTicket()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Request());

        var outcome = run.Send(new HandOffOutcome("incident:51/0001", "rt", "create", true, "7781", null, false, T0));

        Assert.True(outcome.IsOk);
        Assert.Equal(IncidentStatus.HandedOff, run.State.Status);
        Assert.Equal(("7781", "incident:51/0001", true), (run.State.HandOff!.ExternalId, run.State.HandOff.CallId, run.State.HandOff.Succeeded));
        TicketNotification announce = run.Mails.Single(m => m.Kind == "handoff-announced");
        Assert.Equal(run.State.Recipients, announce.To);
        Assert.Contains("as 7781", announce.Body, StringComparison.Ordinal);
        Assert.Contains(run.Effects, e => e.Kind == AggregateCommand.EffectKind && AggregateCommand.Parse(e.Payload).Command.Contains("add-external-ref", StringComparison.Ordinal));
    }

    [Fact]
    public void HandOffOutcome_TransientThenPermanentFailure_WaitsThenFailsAndMayBeRetried()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Request());

        run.Send(new HandOffOutcome("k", "rt", "create", false, null, "RT answered 503", true, T0));
        string afterTransient = run.State.Status;
        run.Send(new HandOffOutcome("k", "rt", "create", false, null, "RT answered 400: Invalid queue", false, T0));
        var retry = run.Send(Request() with { Team = "Archive" });

        Assert.Equal(IncidentStatus.HandingOff, afterTransient);
        Assert.Equal("RT answered 400: Invalid queue", run.Events.OfType<HandOffRecorded>().Last().Error);
        Assert.Single(run.Mails, m => m.Kind == "handoff-failed");
        Assert.True(retry.IsOk);
        Assert.Equal(IncidentStatus.HandingOff, run.State.Status);
        Assert.Equal("Archive", run.State.HandOff!.Team);
    }

    [Fact]
    public void HandOff_UnknownTierConnectorOrUrgentTicket_IsRefusedWithTheReason()
    {
        var run = new IncidentRun(Config(), T0);
        var urgent = new IncidentRun(Config(), T0);
        urgent.Send(Open(ticket: 51));

        var tier = run.Send(Request(tier: "QA"));
        var connector = run.Send(Request(connector: "jira"));
        var onUrgent = urgent.Send(Request());

        Assert.Equal("tier: 'QA' has no tier managers in the service's catalog record (the ticket names no service) nor in incidents.tierManagers (configured: PROD, TEST).", tier.Reason);
        Assert.Equal("connector: 'jira' is not a configured connector (configured: rt).", connector.Reason);
        Assert.Equal("Ticket #51 has an urgent incident (paging); a hand-off is for bug reports.", onUrgent.Reason);
    }

    private static ServiceFacts Archive(params (string Tier, string[] Managers)[] tiers) => new(
        "archive", "https://runbooks.example.org/archive", null, tiers.ToDictionary(t => t.Tier, t => (IReadOnlyList<string>)t.Managers));

    [Fact]
    public void HandOff_ServiceRecordNamesManagersForTheTier_MailsTheRecordsManagersNotTheConfigured()
    {
        var run = new IncidentRun(Config(), T0);

        var handed = run.Send(Request(tier: "prod") with { Service = "archive", Catalog = Archive(("PROD", ["archive-prod-lead@example.org"]), ("TEST", ["archive-test-lead@example.org"])) });

        Assert.True(handed.IsOk, handed.Reason);
        TicketNotification managers = run.Mails.Single(m => m.Kind == "handoff-managers");
        Assert.Equal(["archive-prod-lead@example.org"], managers.To);
        Assert.Contains("Tier: prod (tier managers from the catalog record of archive)", managers.Body, StringComparison.Ordinal);
        Assert.Equal(["archive-prod-lead@example.org"], run.State.HandOff!.TierManagers);
        Assert.Equal("the catalog record of archive", run.State.HandOff.TierManagersFrom);
        Assert.Equal("archive", run.State.Service);
    }

    [Fact]
    public void HandOff_ServiceRecordHasNoManagersForTheTier_FallsBackToIncidentsTierManagers()
    {
        var run = new IncidentRun(Config(), T0);

        var handed = run.Send(Request(tier: "TEST") with { Service = "archive", Catalog = Archive(("LIVE", ["archive-live-lead@example.org"])) });

        Assert.True(handed.IsOk, handed.Reason);
        TicketNotification managers = run.Mails.Single(m => m.Kind == "handoff-managers");
        Assert.Equal(["test-manager@example.org"], managers.To);
        Assert.Contains("Tier: TEST (tier managers from incidents.tierManagers)", managers.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void HandOff_PermanentFailure_TellsTheRecordsTierManagers()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Request() with { Service = "archive", Catalog = Archive(("PROD", ["archive-prod-lead@example.org"])) });

        run.Send(new HandOffOutcome("k", "rt", "create", false, null, "RT answered 400: Invalid queue", false, T0));

        Assert.Equal(["archive-prod-lead@example.org"], run.Mails.Single(m => m.Kind == "handoff-failed").To);
    }

    [Fact]
    public void HandOff_NeitherTheRecordNorTheConfigurationNamesManagers_IsRefusedNamingBoth()
    {
        var run = new IncidentRun(Config(), T0);

        var catalogued = run.Send(Request(tier: "QA") with { Service = "archive", Catalog = Archive(("LIVE", ["archive-live-lead@example.org"]), ("TEST", ["t@example.org"])) });
        var bare = run.Send(Request(tier: "QA") with { Service = "archive", Catalog = Archive() });
        var unknown = run.Send(Request(tier: "QA") with { Service = "ledger" });
        var unconfigured = new IncidentRun(Config(settings: Config().Incidents with { TierManagers = new Dictionary<string, IReadOnlyList<string>>() }), T0)
            .Send(Request() with { Service = "archive", Catalog = Archive(("LIVE", ["archive-live-lead@example.org"])) });

        Assert.Equal("tier: 'QA' has no tier managers in the service's catalog record ('archive' names them for LIVE, TEST) nor in incidents.tierManagers (configured: PROD, TEST).", catalogued.Reason);
        Assert.Equal("tier: 'QA' has no tier managers in the service's catalog record ('archive' names none) nor in incidents.tierManagers (configured: PROD, TEST).", bare.Reason);
        Assert.Equal("tier: 'QA' has no tier managers in the service's catalog record ('ledger' is not in the catalog) nor in incidents.tierManagers (configured: PROD, TEST).", unknown.Reason);
        Assert.Equal("tier: 'PROD' has no tier managers in the service's catalog record ('archive' names them for LIVE) nor in incidents.tierManagers (none configured).", unconfigured.Reason);
        Assert.False(run.State.Exists);
        Assert.Empty(run.Effects);
    }
}
