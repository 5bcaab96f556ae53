using Hub.Domain.Catalog;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Incidents.IncidentFixture;

namespace Hub.Domain.Tests.Incidents;

/// <summary>What the service catalog feeds an incident (issue #13): run book and DR category when it opens.</summary>
public sealed class IncidentCatalogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 4, 10, 0, 0, TimeSpan.Zero);

    private static readonly ServiceFacts Archive = new("archive", "https://runbooks.example.org/archive", "B: restore within 24 hours");

    [Fact]
    public void Open_CataloguedService_RecordsRunBookAndDrCategoryAndEveryPagingMailShowsThem()
    {
        var run = new IncidentRun(Config(), T0);

        run.Send(Open() with { Catalog = Archive });
        run.Advance(TimeSpan.FromMinutes(50));

        IncidentOpened opened = run.Events.OfType<IncidentOpened>().Single();
        Assert.Equal(("https://runbooks.example.org/archive", "B: restore within 24 hours"), (opened.RunBookUrl, opened.DrCategory));
        Assert.Equal(("https://runbooks.example.org/archive", "B: restore within 24 hours"), (run.State.RunBookUrl, run.State.DrCategory));
        TicketNotification[] mails = [.. run.Mails.Where(m => m.Kind is "incident-opened" or "incident-page")];
        Assert.Equal(5, mails.Length); // the preliminary notice and four pages (T0, +15, +30, +45 min)
        Assert.All(mails, m =>
        {
            Assert.Contains("\nRun book (archive): https://runbooks.example.org/archive\n", m.Body, StringComparison.Ordinal);
            Assert.Contains("\nDR category (archive): B: restore within 24 hours", m.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Open_ServiceNotInTheCatalog_AddsNothing()
    {
        var run = new IncidentRun(Config(), T0);

        run.Send(Open(service: "unknown-service"));

        Assert.Null(run.State.RunBookUrl);
        Assert.Null(run.State.DrCategory);
        Assert.All(run.Mails, m => Assert.DoesNotContain("Run book", m.Body, StringComparison.Ordinal));
        Assert.All(run.Mails, m => Assert.DoesNotContain("DR category", m.Body, StringComparison.Ordinal));
    }

    [Fact]
    public void Escalation_Exhausted_UnacknowledgedMailShowsTheRunBook()
    {
        var run = new IncidentRun(Config(), T0);

        run.Send(Open() with { Catalog = Archive });
        run.Advance(TimeSpan.FromHours(6));

        TicketNotification unacknowledged = run.Mails.Single(m => m.Kind == "incident-unacknowledged");
        Assert.EndsWith("\nRun book (archive): https://runbooks.example.org/archive\nDR category (archive): B: restore within 24 hours", unacknowledged.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void DailyStatus_CataloguedService_MailAndSummaryLineShowRunBookAndDrCategory()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open() with { Catalog = new ServiceFacts("archive", "https://runbooks.example.org/archive", null) });
        run.Send(new AcknowledgeIncident(Alice));

        run.Send(new SendDailyStatus(Hub.Domain.Tickets.Actor.System, "2026-11-05"));
        string summary = DailySummary.Build("2026-11-05", T0.AddHours(2), [run.State], [], [], []);

        TicketNotification daily = run.Mails.Single(m => m.Kind == "incident-daily");
        Assert.Contains("Tech Lead: alice <alice@example.org>\nRun book (archive): https://runbooks.example.org/archive\nAcknowledged by alice", daily.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("DR category", daily.Body, StringComparison.Ordinal);
        Assert.Contains("- #42 Archive unresponsive: open 2 h 0 min; Acknowledged by alice at 2026-11-04 10:00 UTC; owner alice; run book https://runbooks.example.org/archive\n", summary, StringComparison.Ordinal);
    }
}
