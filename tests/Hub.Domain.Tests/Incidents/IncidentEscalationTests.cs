using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Incidents.IncidentFixture;

namespace Hub.Domain.Tests.Incidents;

public sealed class IncidentEscalationTests
{
    // Wednesday 4 November 2026, 11:00 in Zurich: alice's week on call.
    private static readonly DateTimeOffset T0 = new(2026, 11, 4, 10, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Acknowledge_ChainShortenedInConfigWhilePaging_UsesTheLevelLastPaged()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());
        run.Advance(TimeSpan.FromMinutes(35)); // the manager (third level) is paged at T0 + 30 min
        HubConfiguration shortened = Config(settings: Config().Incidents with { Escalation = [Config().Incidents.Escalation[0]] });

        Result<Decision<IncidentEvent>> acknowledged = new IncidentDecider(shortened).Decide(run.State, new AcknowledgeIncident(Bob), T0.AddMinutes(35));

        Assert.True(acknowledged.IsOk, acknowledged.Reason);
        var ack = Assert.IsType<Acknowledged>(Assert.Single(acknowledged.Value!.Events));
        Assert.Equal((2, 1), (ack.Level, ack.Round));
        string body = JsonSerializer.Deserialize<TicketNotification>(acknowledged.Value.Effects.Single().Payload, WebJson)!.Body ?? "";
        Assert.Contains("(manager level, round 1)", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Escalation_NobodyAcknowledges_PagesEveryLevelOfEveryRoundAtItsDeadlineThenStops()
    {
        var run = new IncidentRun(Config(), T0);

        run.Send(Open());
        run.Advance(TimeSpan.FromHours(6));

        (string, string, DateTimeOffset)[] expected =
        [
            ("tech-lead", "alice@example.org", T0),
            ("team-lead", "tess@example.org", T0.AddMinutes(15)),
            ("manager", "max@example.org", T0.AddMinutes(30)),
            ("tech-lead", "alice@example.org", T0.AddMinutes(45)),
            ("team-lead", "tess@example.org", T0.AddMinutes(60)),
            ("manager", "max@example.org", T0.AddMinutes(75)),
            ("tech-lead", "alice@example.org", T0.AddMinutes(90)),
            ("team-lead", "tess@example.org", T0.AddMinutes(105)),
            ("manager", "max@example.org", T0.AddMinutes(120)),
        ];
        Assert.Equal(expected, run.State.Pages.Select(p => (p.LevelName, p.To, p.At)));
        Assert.Equal([1, 1, 1, 2, 2, 2, 3, 3, 3], run.State.Pages.Select(p => p.Round));
        Assert.True(run.State.EscalationExhausted);
        Assert.Equal(IncidentStatus.Paging, run.State.Status);
        Assert.Empty(run.Timers);
        Assert.Equal(T0.AddMinutes(135), run.Events.OfType<EscalationExhausted>().Single().At);
        TicketNotification[] pages = [.. run.Mails.Where(m => m.Kind == "incident-page")];
        Assert.Equal(9, pages.Length);
        Assert.Equal("[hub #42] PAGE (team-lead, round 1): acknowledge by 2026-11-04 10:30 UTC - Archive unresponsive", pages[1].Subject);
        TicketNotification stop = run.Mails.Single(m => m.Kind == "incident-unacknowledged");
        Assert.Equal(["alice@example.org", "tess@example.org", "max@example.org"], stop.To);
    }

    [Fact]
    public void Escalation_AcknowledgedByTheTeamLeadMidway_StopsPagingAndStartsTheChaseClock()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());
        run.Advance(TimeSpan.FromMinutes(20));

        var ack = run.Send(new AcknowledgeIncident(Tess, "looking at it"));
        run.Advance(TimeSpan.FromHours(3));

        Assert.True(ack.IsOk);
        Assert.Equal(["alice@example.org", "tess@example.org"], run.State.Pages.Select(p => p.To));
        Assert.Equal(IncidentStatus.Acknowledged, run.State.Status);
        Assert.Equal(new AckRecord("tess", T0.AddMinutes(20), 1, 1, "looking at it"), run.State.Acknowledged);
        Assert.Equal(T0.AddMinutes(20).AddHours(4), run.Timers[IncidentDecider.ChaseTimer]);
        Assert.False(run.Timers.ContainsKey(IncidentDecider.EscalationTimer));
        TicketNotification acked = run.Mails.Single(m => m.Kind == "incident-acknowledged");
        Assert.Contains("alice@example.org", acked.Bcc);
        Assert.Contains("tess@example.org", acked.Bcc);
    }

    [Fact]
    public void Escalation_DeadlineFiringAfterAcknowledge_IsRefusedWithTheReason()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());
        run.Send(new AcknowledgeIncident(Alice));

        var late = run.Decider.Decide(run.State, new EscalationDue(Actor.System), T0.AddMinutes(15));

        Assert.False(late.IsOk);
        Assert.Equal("Incident #42 is acknowledged: nobody is waiting to be escalated.", late.Reason);
    }

    [Fact]
    public void Acknowledge_Twice_IsRefusedNamingWhoAcknowledged()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());
        run.Send(new AcknowledgeIncident(Alice));

        var again = run.Send(new AcknowledgeIncident(Bob));

        Assert.Equal("Incident #42 was already acknowledged by alice at 2026-11-04 10:00 UTC.", again.Reason);
    }

    [Fact]
    public void Open_EndUserService_RecipientListHasInitiatorListsAndComputingHelpAndIsRecordedOnTheTicket()
    {
        var run = new IncidentRun(Config(), T0);

        run.Send(Open(service: "portal"));

        Assert.Equal(
            ["reporter@example.com", "isda-pipeline@example.org", "isda-integrators@example.org", "map-support@example.org", "computing-help@example.org"],
            run.State.Recipients);
        TicketNotification notice = run.Mails.Single(m => m.Kind == "incident-opened");
        Assert.Equal(run.State.Recipients, notice.To);
        Assert.Equal("[hub #42] URGENT incident opened: Archive unresponsive", notice.Subject);
        Assert.Contains("Tech Lead (on call, on-call): alice <alice@example.org>", notice.Body, StringComparison.Ordinal);
        var record = Hub.Domain.Durable.AggregateCommand.Parse(run.Effects.Single(e => e.Kind == Hub.Domain.Durable.AggregateCommand.EffectKind).Payload);
        Assert.Equal(("ticket", "42"), (record.Kind, record.Id));
        Assert.Contains("\"RecipientList\":\"reporter@example.com, isda-pipeline@example.org", record.Command, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_InternalService_LeavesComputingHelpOut()
    {
        var run = new IncidentRun(Config(), T0);

        run.Send(Open(service: "archive"));

        Assert.DoesNotContain("computing-help@example.org", run.State.Recipients);
        Assert.Equal(4, run.State.Recipients.Count);
    }

    [Fact]
    public void EditRecipients_AddAndRemove_UpdatesTheListAndTheTicket()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());

        var edited = run.Send(new EditRecipients(Operator, ["dba@example.org"], ["map-support@example.org"]));
        var bad = run.Send(new EditRecipients(Operator, ["not an address"]));
        var absent = run.Send(new EditRecipients(Operator, Remove: ["nobody@example.org"]));

        Assert.True(edited.IsOk);
        Assert.Equal(["reporter@example.com", "isda-pipeline@example.org", "isda-integrators@example.org", "dba@example.org"], run.State.Recipients);
        Assert.Equal("add: 'not an address' is not a mail address.", bad.Reason);
        Assert.Equal("'nobody@example.org' is not on the Recipient List of incident #42.", absent.Reason);
        Assert.Equal(2, run.Effects.Count(e => e.Kind == Hub.Domain.Durable.AggregateCommand.EffectKind));
    }

    [Fact]
    public void Open_Twice_IsRefused()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());

        var again = run.Send(Open());

        Assert.Equal("Ticket #42 already has an incident (paging, opened 2026-11-04 10:00 UTC).", again.Reason);
    }

    [Fact]
    public void Open_NextWeek_PagesBobAndTheLeadHeNames()
    {
        var run = new IncidentRun(Config(), new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero));

        run.Send(Open());
        run.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(new Responder("bob", "bob@example.org"), run.State.TechLead);
        Assert.Equal(["bob@example.org", "lena@example.org"], run.State.Pages.Select(p => p.To));
    }

    [Fact]
    public void Open_ShortChainFromConfiguration_RepeatsOnlyTheConfiguredRounds()
    {
        IncidentSettings settings = IncidentSettings.Default with
        {
            Escalation = [new EscalationLevel("tech-lead", EscalationTarget.TechLead, TimeSpan.FromMinutes(5)), new EscalationLevel("pager", EscalationTarget.Address, TimeSpan.FromMinutes(10), "pager@example.org")],
            Repeats = 2,
        };
        var run = new IncidentRun(Config(settings: settings), T0);

        run.Send(Open());
        run.Advance(TimeSpan.FromHours(1));

        Assert.Equal([T0, T0.AddMinutes(5), T0.AddMinutes(15), T0.AddMinutes(20)], run.State.Pages.Select(p => p.At));
        Assert.Equal("pager@example.org", run.State.Pages[1].To);
        Assert.True(run.State.EscalationExhausted);
    }
}
