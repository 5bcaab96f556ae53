using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Incidents.IncidentFixture;

namespace Hub.Domain.Tests.Incidents;

public sealed class IncidentWorkTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 4, 10, 0, 0, TimeSpan.Zero);

    private static IncidentRun Acknowledged()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());
        run.Send(new AcknowledgeIncident(Alice));
        return run;
    }

    [Fact]
    public void StartResolutionAndResolve_BeforeScrum_AreRefusedWithTheReason()
    {
        IncidentRun run = Acknowledged();

        var start = run.Send(new StartResolution(Alice));
        var resolve = run.Send(new ResolveIncident(Alice, "fixed"));

        Assert.Equal("No SCRUM is recorded for incident #42: record the SCRUM (time, attendees, plan) before start-resolution.", start.Reason);
        Assert.Equal("No SCRUM is recorded for incident #42: record the SCRUM (time, attendees, plan) before resolve.", resolve.Reason);
        Assert.Equal(IncidentStatus.Acknowledged, run.State.Status);
    }

    [Fact]
    public void StartResolution_AfterScrum_MovesToResolving()
    {
        IncidentRun run = Acknowledged();
        run.Advance(TimeSpan.FromMinutes(30));

        var scrum = run.Send(new RecordScrum(Alice, T0.AddMinutes(25), ["alice", "tess", "dba@example.org"], "Fail over the archive database."));
        var start = run.Send(new StartResolution(Alice));

        Assert.True(scrum.IsOk);
        Assert.True(start.IsOk);
        Assert.Equal(IncidentStatus.Resolving, run.State.Status);
        Assert.Equal(new[] { "alice", "tess", "dba@example.org" }, run.State.Scrum!.Attendees);
    }

    [Fact]
    public void Resolve_WhilePaging_IsRefusedUntilAcknowledged()
    {
        var run = new IncidentRun(Config(), T0);
        run.Send(Open());

        var resolve = run.Send(new ResolveIncident(Alice, "fixed"));

        Assert.Equal("Incident #42 is not acknowledged yet; acknowledge it before resolve.", resolve.Reason);
    }

    [Fact]
    public void RecordScrum_WithoutAttendeesOrPlan_IsRefusedNamingTheField()
    {
        IncidentRun run = Acknowledged();

        var noOne = run.Send(new RecordScrum(Alice, T0, [], "plan"));
        var noPlan = run.Send(new RecordScrum(Alice, T0, ["alice"], " "));

        Assert.Equal("attendees: name who attended the SCRUM.", noOne.Reason);
        Assert.Equal("plan: record the plan the SCRUM agreed.", noPlan.Reason);
    }

    [Fact]
    public void Delegate_ByTheTechLead_IsRecordedAndMailedAndByAnyoneElseRefused()
    {
        IncidentRun run = Acknowledged();

        var byLead = run.Send(new DelegateTask(Alice, "Check the disk array", "dba@example.org"));
        var byOther = run.Send(new DelegateTask(Tess, "Restart it", "dba@example.org"));

        Assert.True(byLead.IsOk);
        Assert.Equal("Only the Tech Lead (alice) delegates tasks; 'tess' is not the Tech Lead.", byOther.Reason);
        Assert.Equal(new DelegatedTask("Check the disk array", "dba@example.org", "alice", T0), Assert.Single(run.State.Tasks));
        Assert.Equal(["dba@example.org"], run.Mails.Single(m => m.Kind == "incident-task").To);
    }

    [Fact]
    public void Delegate_TaskWithALineBreak_IsRefusedWithTheFieldAndNothingIsMailed()
    {
        IncidentRun run = Acknowledged();

        var refused = run.Send(new DelegateTask(Alice, "Check the disk array\r\nBcc: everyone@example.org", "dba@example.org"));

        Assert.Equal("task: must be a single line without line breaks or control characters (it goes into mail subjects).", refused.Reason);
        Assert.Empty(run.State.Tasks);
        Assert.DoesNotContain(run.Mails, m => m.Kind == "incident-task");
    }

    [Fact]
    public void RestartCheck_RecordsAttemptAndOutcomeAndRefusesInconsistentAnswers()
    {
        IncidentRun run = Acknowledged();

        var missing = run.Send(new RecordRestartCheck(Alice, true, null));
        var impossible = run.Send(new RecordRestartCheck(Alice, false, true));
        var ok = run.Send(new RecordRestartCheck(Alice, true, false, "restarted the web tier, no change"));

        Assert.Equal("helped: say whether the restart helped (true or false) when attempted is true.", missing.Reason);
        Assert.Equal("helped: only a restart that was attempted can have helped; leave it out when attempted is false.", impossible.Reason);
        Assert.True(ok.IsOk);
        Assert.Equal(new RestartCheck(true, false, "restarted the web tier, no change", "alice", T0), run.State.Restart);
    }

    [Fact]
    public void KeepChasing_NoStatusUpdate_RemindsTheTechLeadThenTheirLeadAndAnUpdateRestartsTheClock()
    {
        IncidentRun run = Acknowledged();

        run.Advance(TimeSpan.FromHours(10));
        run.Send(new PostStatus(Alice, "Database failover in progress."));
        run.Advance(TimeSpan.FromHours(5));

        Chased[] chases = [.. run.Events.OfType<Chased>()];
        Assert.Equal([T0.AddHours(4), T0.AddHours(6), T0.AddHours(10), T0.AddHours(14)], chases.Select(c => c.At));
        Assert.Equal([1, 2, 2, 1], chases.Select(c => c.Stage));
        Assert.Equal(["alice@example.org"], chases[0].To);
        Assert.Equal(["alice@example.org", "tess@example.org"], chases[1].To);
        Assert.Equal(
            "[hub #42] No status update since 2026-11-04 10:00 UTC: Archive unresponsive",
            run.Mails.First(m => m.Kind == "incident-chase").Subject);
    }

    [Fact]
    public void Resolve_OnAWednesday_PostMortemDueFiveWorkingDaysLaterWithRemindersTheDayBeforeOnTheDayAndAfter()
    {
        IncidentRun run = Acknowledged();
        run.Send(new RecordScrum(Alice, T0, ["alice"], "Fail over."));
        run.AdvanceTo(new DateTimeOffset(2026, 11, 4, 15, 0, 0, TimeSpan.Zero));

        var resolved = run.Send(new ResolveIncident(Alice, "Failed over to the standby database."));
        run.AdvanceTo(new DateTimeOffset(2026, 11, 17, 0, 0, 0, TimeSpan.Zero));

        Assert.True(resolved.IsOk);
        Assert.Equal(new DateOnly(2026, 11, 11), run.State.PostMortem!.Due);
        PostMortemReminded[] reminders = [.. run.Events.OfType<PostMortemReminded>()];
        // 09:00 in Zurich is 08:00 UTC in November.
        Assert.Equal(
            [
                new DateTimeOffset(2026, 11, 10, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 11, 11, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 11, 12, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 11, 13, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero),
            ],
            reminders.Select(r => r.At));
        Assert.Equal(["day-before", "due-today", "overdue", "overdue", "overdue"], reminders.Select(r => r.Stage));
        Assert.Equal(["alice@example.org", "tess@example.org"], reminders[0].To);
        Assert.Equal("[hub #42] Post-mortem day before: Archive unresponsive", run.Mails.First(m => m.Kind == "post-mortem-reminder").Subject);
        Assert.False(run.Timers.ContainsKey(IncidentDecider.ChaseTimer));
    }

    [Fact]
    public void ClosePostMortem_WithLink_ClosesTheIncidentAndStopsTheReminders()
    {
        IncidentRun run = Acknowledged();
        run.Send(new RecordScrum(Alice, T0, ["alice"], "Fail over."));
        run.Send(new ResolveIncident(Alice, "Failed over."));

        var noLink = run.Send(new ClosePostMortem(Alice, "minutes.docx"));
        var closed = run.Send(new ClosePostMortem(Alice, "https://wiki.example.org/pm/42"));
        run.Advance(TimeSpan.FromDays(14));

        Assert.Equal("documentLink: must be an absolute http or https URL; got 'minutes.docx'.", noLink.Reason);
        Assert.True(closed.IsOk);
        Assert.Equal(IncidentStatus.Closed, run.State.Status);
        Assert.Equal("https://wiki.example.org/pm/42", run.State.PostMortem!.DocumentLink);
        Assert.Empty(run.Events.OfType<PostMortemReminded>());
        Assert.Empty(run.Timers);
    }

    [Fact]
    public void DailyStatus_SilentTechLead_MailsTheRecipientListLineByLineAndRemindsTheTechLeadAndTheirLead()
    {
        IncidentRun run = Acknowledged();
        run.Advance(TimeSpan.FromHours(1));
        run.Send(new PostStatus(Tess, "Storage vendor called.\nWaiting for a replacement controller."));
        run.AdvanceTo(new DateTimeOffset(2026, 11, 5, 10, 30, 0, TimeSpan.Zero));

        var sent = run.Send(new SendDailyStatus(Actor.System, "2026-11-05"));
        var again = run.Send(new SendDailyStatus(Actor.System, "2026-11-05"));

        Assert.True(sent.IsOk);
        TicketNotification daily = run.Mails.Single(m => m.Kind == "incident-daily");
        Assert.Equal(run.State.Recipients, daily.To);
        Assert.Equal("[hub #42] Daily status 2026-11-05: Archive unresponsive", daily.Subject);
        Assert.Equal(
            [
                "Daily status of incident #42 (ProductionDefect): Archive unresponsive",
                "Status: acknowledged, open for 1 d 0 h",
                "Tech Lead: alice <alice@example.org>",
                "Acknowledged by alice at 2026-11-04 10:00 UTC",
                "Latest status update (2026-11-04 11:00 UTC, tess):",
                "  Storage vendor called.",
                "  Waiting for a replacement controller.",
                "Changes in the last 24 hours:",
                "- 2026-11-04 11:00 UTC status update by tess",
                // Tess's update restarted the keep-chasing clock: 4 h later the Tech Lead, 2 h after that their lead too, then every 4 h.
                "- 2026-11-04 15:00 UTC reminded alice@example.org (no status update)",
                "- 2026-11-04 17:00 UTC reminded alice@example.org, tess@example.org (no status update)",
                "- 2026-11-04 21:00 UTC reminded alice@example.org, tess@example.org (no status update)",
                "- 2026-11-05 01:00 UTC reminded alice@example.org, tess@example.org (no status update)",
                "- 2026-11-05 05:00 UTC reminded alice@example.org, tess@example.org (no status update)",
                "- 2026-11-05 09:00 UTC reminded alice@example.org, tess@example.org (no status update)",
            ],
            daily.Body!.Split('\n'));
        TicketNotification reminder = run.Mails.Single(m => m.Kind == "incident-reminder");
        Assert.Equal(["alice@example.org", "tess@example.org"], reminder.To);
        Assert.Equal("The Tech Lead (alice) has posted no status update on incident #42 in the last 24 hours (last: never).", reminder.Body!.Split('\n')[0]);
        Assert.Equal("The daily status of incident #42 for 2026-11-05 was already sent.", again.Reason);
    }

    [Fact]
    public void DailyStatus_IncidentOpenedLessThanADayAgo_SendsNoReminder()
    {
        IncidentRun run = Acknowledged();
        run.Advance(TimeSpan.FromHours(23));

        run.Send(new SendDailyStatus(Actor.System, "2026-11-05"));

        Assert.Single(run.Mails, m => m.Kind == "incident-daily");
        Assert.DoesNotContain(run.Mails, m => m.Kind == "incident-reminder");
    }

    [Fact]
    public void DailyStatus_TechLeadPostedToday_SendsNoReminder()
    {
        IncidentRun run = Acknowledged();
        run.Advance(TimeSpan.FromHours(20));
        run.Send(new PostStatus(Alice, "Controller replaced; monitoring."));
        run.Advance(TimeSpan.FromHours(10));

        run.Send(new SendDailyStatus(Actor.System, "2026-11-05"));

        Assert.Single(run.Mails, m => m.Kind == "incident-daily");
        Assert.DoesNotContain(run.Mails, m => m.Kind == "incident-reminder");
        Assert.False(run.Events.OfType<DailyStatusSent>().Single().TechLeadReminded);
    }

    [Fact]
    public void DailyStatus_ResolvedIncident_IsRefused()
    {
        IncidentRun run = Acknowledged();
        run.Send(new RecordScrum(Alice, T0, ["alice"], "Fail over."));
        run.Send(new ResolveIncident(Alice, "done"));

        var daily = run.Send(new SendDailyStatus(Actor.System, "2026-11-05"));

        Assert.Equal("Incident #42 is resolved; daily status goes out for open urgent incidents.", daily.Reason);
    }
}
