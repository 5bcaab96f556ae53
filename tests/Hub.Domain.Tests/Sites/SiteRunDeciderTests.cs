using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Durable;
using Hub.Domain.Sites;
using Hub.Domain.Tests.Catalog;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Sites;

public sealed class SiteRunDeciderTests
{
    private const StepStatus P = StepStatus.Pending;
    private const StepStatus R = StepStatus.Running;
    private const StepStatus S = StepStatus.Succeeded;
    private const StepStatus F = StepStatus.Failed;
    private const StepStatus K = StepStatus.Skipped;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void StartRun_IdleSite_RecordsEveryPlannedStepPending()
    {
        var run = new RunDriver();

        Decision<SiteRunEvent> decision = run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));

        Assert.IsType<RunStarted>(Assert.Single(decision.Events));
        Assert.Equal(("shop", "r1", RunOutcome.Running), (run.State.Site, run.State.Active!.RunId, run.Run().Outcome));
        Assert.Equal([P, P, P, P, P], run.Statuses());
        Assert.Equal("r1:000:db:db-1:start", run.Run().NextStep!.Plan.StepId);
        Assert.Equal("running", run.Decider.StateName(run.State));
        SideEffect start = Assert.Single(decision.Effects);
        Assert.Equal(SiteRunDecider.StartEffect, start.Kind);
        Assert.Equal("site-run:shop:r1", SiteRunStart.Parse(start.Payload).InstanceId);
    }

    [Fact]
    public void StartRun_WhileAnotherRunIsRunning_IsRefusedNamingTheRunningRun()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));

        Result<Decision<SiteRunEvent>> second = run.Try(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Stop, "r2"), "bob"));

        Assert.False(second.IsOk);
        Assert.Equal("Site 'shop' is running r1 (Start, started 2026-03-02T09:00:01.0000000+00:00 by alice); one run per site at a time.", second.Reason);
        Assert.Equal("r1", run.State.Active!.RunId);
        Assert.Single(run.State.Runs);
    }

    [Fact]
    public void StartRun_Redelivered_ChangesNothing()
    {
        var run = new RunDriver();
        SitePlan plan = RunDriver.ShopPlan(SiteCommand.Start);
        run.Apply(RunDriver.Start(plan));
        run.Step(StepOutcome.Succeeded);

        Decision<SiteRunEvent> again = run.Apply(RunDriver.Start(plan));

        Assert.Empty(again.Events);
        Assert.Equal([S, P, P, P, P], run.Statuses());
    }

    [Fact]
    public void StartRun_AfterTheRunFinished_StartsTheNextAndKeepsTheFinishedOne()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Status)));
        for (int i = 0; i < 5; i++)
        {
            run.Step(StepOutcome.Succeeded);
        }

        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Stop, "r2")));

        Assert.Equal(["r1", "r2"], run.State.Runs.Select(r => r.RunId));
        Assert.Equal((RunOutcome.Succeeded, RunOutcome.Running), (run.Run("r1").Outcome, run.Run("r2").Outcome));
        Assert.Equal("r2", run.State.Active!.RunId);
    }

    [Fact]
    public void StartRun_EmptyPlanOrNoNode_IsRefused()
    {
        var run = new RunDriver();
        SitePlan plan = RunDriver.ShopPlan(SiteCommand.Start);

        Result<Decision<SiteRunEvent>> empty = run.Try(RunDriver.Start(plan with { Steps = [] }));
        Result<Decision<SiteRunEvent>> noNode = run.Try(new StartRun("alice", plan, " ", []));

        Assert.Equal("plan: a run needs at least one step.", empty.Reason);
        Assert.Equal("node: required (the node the notice names).", noNode.Reason);
        Assert.Null(run.State.Active);
    }

    [Fact]
    public void StartRun_PlanForAnotherSiteOrWithRepeatedStepIds_IsRefused()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Status)));
        for (int i = 0; i < 5; i++)
        {
            run.Step(StepOutcome.Succeeded);
        }

        SitePlan plan = RunDriver.ShopPlan(SiteCommand.Start, "r2");
        Result<Decision<SiteRunEvent>> other = run.Try(RunDriver.Start(plan with { Site = "intranet" }));
        Result<Decision<SiteRunEvent>> repeated = run.Try(RunDriver.Start(plan with { Steps = [plan.Steps[0], plan.Steps[0]] }));

        Assert.Equal("The plan is for site 'intranet', not 'shop'.", other.Reason);
        Assert.Equal("plan: step ids must be unique within a run.", repeated.Reason);
    }

    [Fact]
    public void Step_StartAndResult_RecordTheirTimesExitCodeAndOutput()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));

        run.Step(StepOutcome.Succeeded, "listening on 5432");

        RunStep step = run.Run().Steps[0];
        Assert.Equal((S, RunDriver.T0.AddSeconds(2), RunDriver.T0.AddSeconds(3)), (step.Status, step.StartedAt!.Value, step.EndedAt!.Value));
        Assert.Equal(("listening on 5432", 0, false), (step.Output, step.ExitCode!.Value, step.OutputTruncated));
        Assert.Equal("r1:001:app:app-1:start", run.Run().NextStep!.Plan.StepId);
    }

    [Fact]
    public void Run_EveryStepSucceeds_FinishesWithTheSuccessNoticeAndNoTicket()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));

        for (int i = 0; i < 4; i++)
        {
            Assert.Empty(run.Step(StepOutcome.Succeeded).Effects);
        }

        Decision<SiteRunEvent> last = run.Step(StepOutcome.Succeeded);

        Assert.IsType<RunFinished>(last.Events[^1]);
        Assert.Equal(RunOutcome.Succeeded, run.Run().Outcome);
        Assert.Equal(run.Now, run.Run().EndedAt);
        TicketNotification mail = Assert.Single(run.Mails());
        Assert.Equal("[Site:shop @ hub-1] Start - SUCCESS", mail.Subject);
        Assert.Equal(["shop-ops@example.org"], mail.To);
        Assert.Equal(("site-run", "internal"), (mail.Kind, mail.Visibility));
        Assert.Empty(run.Tickets());
        Assert.Null(run.State.Active);
        Assert.Equal("succeeded", run.Decider.StateName(run.State));
    }

    [Fact]
    public void Run_FailureWithoutKeepGoing_SkipsEveryLaterStepAndFails()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Step(StepOutcome.Succeeded);

        Decision<SiteRunEvent> failed = run.Step(StepOutcome.Failed, "app-1: port 8080 in use\n");

        Assert.Equal([typeof(StepRecorded), typeof(StepsSkipped), typeof(RunFinished)], failed.Events.Select(e => e.GetType()));
        Assert.Equal([S, F, K, K, K], run.Statuses());
        Assert.Equal(RunOutcome.Failed, run.Run().Outcome);
        Assert.Null(run.Run().NextStep);
        Assert.Equal("step r1:001:app:app-1:start failed and the run has no keepgoing", run.Run().Steps[4].SkipReason);
        Assert.Equal("[Site:shop @ hub-1] Start - FAILURE", Assert.Single(run.Mails()).Subject);
        ServiceTicketRequest ticket = Assert.Single(run.Tickets());
        Assert.Equal(("site-run:shop:r1:app", "app", "ProductionDefect", "[Site:shop @ hub-1] Start - FAILURE: app"), (ticket.Key, ticket.Service, ticket.Queue, ticket.Subject));
        Assert.StartsWith("Site shop run r1 (Start) failed for app: start on app-1.\n\n", ticket.Body, StringComparison.Ordinal);
        Assert.Contains("   app-1: port 8080 in use\n", ticket.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void StepStarted_ForASkippedStep_IsRefused()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Step(StepOutcome.Failed);

        Result<Decision<SiteRunEvent>> start = run.Try(new StepStarted("orchestration", "r1", "r1:001:app:app-1:start"));

        Assert.Equal("Step r1:001:app:app-1:start of run r1 was skipped (step r1:000:db:db-1:start failed and the run has no keepgoing); it is not run.", start.Reason);
    }

    [Fact]
    public void Run_FailuresWithKeepGoing_RunsEveryStepAndListsEveryFailure()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Status, keepGoing: true)));

        run.Step(StepOutcome.Succeeded);
        Assert.Empty(run.Step(StepOutcome.Failed, "app-1 not answering").Effects);
        run.Step(StepOutcome.Succeeded);
        run.Step(StepOutcome.Succeeded);
        run.Step(StepOutcome.Failed, "web-2 502");

        Assert.Equal([S, F, S, S, F], run.Statuses());
        Assert.Equal(RunOutcome.Failed, run.Run().Outcome);
        TicketNotification mail = Assert.Single(run.Mails());
        Assert.Equal("[Site:shop @ hub-1] Status - FAILURE", mail.Subject);
        Assert.Contains("Outcome: failed; 5 steps, 2 failed, 0 skipped.\n", mail.Body, StringComparison.Ordinal);
        Assert.Contains("2. status app @ app-1 (LIVE): failed, exit 1, 2026-03-02T09:00:04Z (1 s)\n   app-1 not answering\n", mail.Body, StringComparison.Ordinal);
        Assert.Contains("5. status web @ web-2 (LIVE): failed, exit 1, 2026-03-02T09:00:10Z (1 s)\n   web-2 502\n", mail.Body, StringComparison.Ordinal);
        Assert.Equal(["app", "web"], run.Tickets().Select(t => t.Service));
    }

    [Fact]
    public void Cancel_BetweenSteps_SkipsTheRestAndFinishesCancelled()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Stop)));
        run.Step(StepOutcome.Succeeded);

        Decision<SiteRunEvent> cancel = run.Apply(new CancelRun("bob", "r1"));

        Assert.Equal([typeof(RunCancelRequested), typeof(StepsSkipped), typeof(RunFinished)], cancel.Events.Select(e => e.GetType()));
        Assert.Equal([S, K, K, K, K], run.Statuses());
        Assert.Equal((RunOutcome.Cancelled, "bob"), (run.Run().Outcome, run.Run().CancelRequestedBy));
        Assert.Equal("cancelled by bob", run.Run().Steps[1].SkipReason);
        Assert.Equal("[Site:shop @ hub-1] Stop - FAILURE", Assert.Single(run.Mails()).Subject);
        Assert.Empty(run.Tickets());
        Assert.Null(run.State.Active);
    }

    [Fact]
    public void Cancel_WhileAStepRuns_LetsItFinishAndStartsNothingAfterIt()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Step(StepOutcome.Succeeded);
        run.Apply(new StepStarted("orchestration", "r1", "r1:001:app:app-1:start"));

        Decision<SiteRunEvent> cancel = run.Apply(new CancelRun("bob", "r1"));
        Result<Decision<SiteRunEvent>> next = run.Try(new StepStarted("orchestration", "r1", "r1:002:app:app-2:start"));
        Decision<SiteRunEvent> completed = run.Apply(new StepCompleted("agent", "r1", "r1:001:app:app-1:start", StepOutcome.Succeeded, "started"));

        Assert.IsType<RunCancelRequested>(Assert.Single(cancel.Events));
        Assert.Equal("Run r1 is running step r1:001:app:app-1:start; steps run one at a time.", next.Reason);
        Assert.Equal([typeof(StepRecorded), typeof(StepsSkipped), typeof(RunFinished)], completed.Events.Select(e => e.GetType()));
        Assert.Equal([S, S, K, K, K], run.Statuses());
        Assert.Equal(RunOutcome.Cancelled, run.Run().Outcome);
    }

    [Fact]
    public void Cancel_Twice_IsIgnoredAndAfterTheEnd_IsRefused()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Apply(new StepStarted("orchestration", "r1", "r1:000:db:db-1:start"));
        run.Apply(new CancelRun("bob", "r1"));

        Decision<SiteRunEvent> twice = run.Apply(new CancelRun("carol", "r1"));
        run.Apply(new StepCompleted("agent", "r1", "r1:000:db:db-1:start", StepOutcome.Succeeded));
        Result<Decision<SiteRunEvent>> late = run.Try(new CancelRun("carol", "r1"));

        Assert.Empty(twice.Events);
        Assert.Equal("bob", run.Run().CancelRequestedBy);
        Assert.Equal("Run r1 already finished (Cancelled); there is nothing to cancel.", late.Reason);
    }

    [Fact]
    public void Cancel_AfterAKeepGoingFailure_StillAsksForTheFailingServicesTicket()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Status, keepGoing: true)));
        run.Step(StepOutcome.Failed, "db down");

        run.Apply(new CancelRun("bob", "r1"));

        Assert.Equal([F, K, K, K, K], run.Statuses());
        Assert.Equal(RunOutcome.Cancelled, run.Run().Outcome);
        Assert.Equal(["db"], run.Tickets().Select(t => t.Service));
    }

    [Fact]
    public void StepCompleted_Duplicate_IsIgnoredAndTheFirstAnswerStands()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Step(StepOutcome.Succeeded, "db up");

        Decision<SiteRunEvent> duplicate = run.Apply(new StepCompleted("agent", "r1", "r1:000:db:db-1:start", StepOutcome.Failed, "late failure"));

        Assert.Empty(duplicate.Events);
        Assert.Empty(duplicate.Effects);
        Assert.Equal((S, "db up"), (run.Run().Steps[0].Status, run.Run().Steps[0].Output));
        Assert.Equal([S, P, P, P, P], run.Statuses());
    }

    [Fact]
    public void StepCompleted_ForAStepNotStarted_IsIgnoredAsStale()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));

        Decision<SiteRunEvent> stale = run.Apply(new StepCompleted("agent", "r1", "r1:003:web:web-1:start", StepOutcome.Failed));

        Assert.Empty(stale.Events);
        Assert.Equal([P, P, P, P, P], run.Statuses());
    }

    [Fact]
    public void StepCompleted_OfAnEarlierRun_DoesNotTouchTheCurrentOne()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Step(StepOutcome.Failed);
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start, "r2")));
        run.Apply(new StepStarted("orchestration", "r2", "r2:000:db:db-1:start"));

        Decision<SiteRunEvent> stale = run.Apply(new StepCompleted("agent", "r1", "r1:000:db:db-1:start", StepOutcome.Succeeded));

        Assert.Empty(stale.Events);
        Assert.Equal([R, P, P, P, P], run.Statuses("r2"));
    }

    [Fact]
    public void StepStarted_Repeated_IsIgnoredAndKeepsTheFirstStartTime()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Apply(new StepStarted("orchestration", "r1", "r1:000:db:db-1:start"));
        DateTimeOffset first = run.Run().Steps[0].StartedAt!.Value;

        Decision<SiteRunEvent> repeated = run.Apply(new StepStarted("orchestration", "r1", "r1:000:db:db-1:start"));

        Assert.Empty(repeated.Events);
        Assert.Equal(first, run.Run().Steps[0].StartedAt);
        Assert.Null(run.Run().NextStep);
    }

    [Fact]
    public void StepStarted_AfterItsResult_IsIgnoredSoTheAgentIsNotAskedAgain()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));
        run.Step(StepOutcome.Succeeded);

        Decision<SiteRunEvent> replayed = run.Apply(new StepStarted("orchestration", "r1", "r1:000:db:db-1:start"));

        Assert.Empty(replayed.Events);
        Assert.Equal(S, run.Run().Step("r1:000:db:db-1:start")!.Status);
    }

    [Fact]
    public void StepStarted_OutOfOrder_IsRefusedNamingTheNextStep()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));

        Result<Decision<SiteRunEvent>> skip = run.Try(new StepStarted("orchestration", "r1", "r1:002:app:app-2:start"));

        Assert.Equal("Run r1 runs its steps in order; the next is r1:000:db:db-1:start, not r1:002:app:app-2:start.", skip.Reason);
    }

    [Fact]
    public void Commands_ForAnUnknownRunOrStep_AreRefused()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start)));

        Result<Decision<SiteRunEvent>> unknownRun = run.Try(new CancelRun("bob", "r9"));
        Result<Decision<SiteRunEvent>> unknownStep = run.Try(new StepStarted("orchestration", "r1", "r1:000:db:db-9:start"));
        Result<Decision<SiteRunEvent>> unknownResult = run.Try(new StepCompleted("agent", "r1", "nope", StepOutcome.Succeeded));

        Assert.Equal("Site 'shop' has no run 'r9'.", unknownRun.Reason);
        Assert.Equal("Run r1 has no step 'r1:000:db:db-9:start'.", unknownStep.Reason);
        Assert.Equal("Run r1 has no step 'nope'.", unknownResult.Reason);
    }

    [Fact]
    public void StepCompleted_LongOutput_KeepsOnlyItsTailUpToTheLimit()
    {
        var run = new RunDriver(new SiteRunSettings(OutputTailLimit: 10));
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Status, keepGoing: true)));

        run.Step(StepOutcome.Succeeded, "0123456789abcdef");
        run.Step(StepOutcome.Succeeded, "short");
        run.Step(StepOutcome.Succeeded, "0123456789");

        Assert.Equal(("6789abcdef", true), (run.Run().Steps[0].Output, run.Run().Steps[0].OutputTruncated));
        Assert.Equal(("short", false), (run.Run().Steps[1].Output, run.Run().Steps[1].OutputTruncated));
        Assert.Equal(("0123456789", false), (run.Run().Steps[2].Output, run.Run().Steps[2].OutputTruncated));
    }

    [Fact]
    public void StepCompleted_TailStartingInsideASurrogatePair_DropsTheHalfCharacter()
    {
        var run = new RunDriver(new SiteRunSettings(OutputTailLimit: 3));
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Status)));

        run.Step(StepOutcome.Succeeded, "x\U0001F600cd");

        Assert.Equal("cd", run.Run().Steps[0].Output);
    }

    [Fact]
    public void Report_RunAcrossTheDaylightSavingChange_ShowsUtcInstantsAndTrueDurations()
    {
        // Europe/London moves its clocks forward at 2026-03-29 01:00 UTC: the agent's times carry +01:00 after it.
        var solo = new Site("solo", [new SiteMember("db")]);
        SitePlan plan = SitePlanner.Plan(solo, CatalogFixture.Catalog, SiteCommand.Start, new PlanOptions("r7", Tier: "LIVE")).Value!;
        var decider = new SiteRunDecider();
        var before = new DateTimeOffset(2026, 3, 29, 0, 59, 30, TimeSpan.Zero);
        var started = new DateTimeOffset(2026, 3, 29, 0, 59, 40, TimeSpan.Zero);
        var ended = new DateTimeOffset(2026, 3, 29, 2, 0, 10, TimeSpan.FromHours(1));
        SiteRunState state = Fold(decider, SiteRunState.None, new StartRun("alice", plan, "hub-1", ["ops@example.org"]), before);
        state = Fold(decider, state, new StepStarted("orchestration", "r7", "r7:000:db:db-1:start"), started);

        Result<Decision<SiteRunEvent>> last = decider.Decide(state, new StepCompleted("agent", "r7", "r7:000:db:db-1:start", StepOutcome.Succeeded, "ok", 0), ended);

        TicketNotification mail = JsonSerializer.Deserialize<TicketNotification>(Assert.Single(last.Value!.Effects).Payload, Json)!;
        Assert.Equal("[Site:solo @ hub-1] Start - SUCCESS", mail.Subject);
        Assert.Equal(
            "Site solo: Start (LIVE), run r7, requested by alice.\n"
            + "Outcome: succeeded; 1 step, 0 failed, 0 skipped.\n"
            + "Started 2026-03-29T00:59:30Z, ended 2026-03-29T01:00:10Z (40 s).\n\n"
            + "1. start db @ db-1 (LIVE): succeeded, exit 0, 2026-03-29T00:59:40Z (30 s)\n",
            mail.Body);
    }

    [Theory]
    [InlineData(SiteCommand.Start, RunOutcome.Succeeded, "[Site:shop @ hub-1] Start - SUCCESS")]
    [InlineData(SiteCommand.Stop, RunOutcome.Failed, "[Site:shop @ hub-1] Stop - FAILURE")]
    [InlineData(SiteCommand.Status, RunOutcome.Cancelled, "[Site:shop @ hub-1] Status - FAILURE")]
    [InlineData(SiteCommand.Update, RunOutcome.Succeeded, "[Site:shop @ hub-1] Update - SUCCESS")]
    public void Subject_EachCommandAndOutcome_FollowsTheControlTierFormat(SiteCommand command, RunOutcome outcome, string expected)
    {
        var run = new SiteRun("r1", command, null, "LIVE", false, "hub-1", [], "alice", RunDriver.T0, []) { Outcome = outcome };

        string subject = SiteRunDecider.Subject("shop", run);

        Assert.Equal(expected, subject);
    }

    [Fact]
    public void Report_RollingUpdate_NamesTheStrategyTierAndKeepGoing()
    {
        var run = new SiteRun("r1", SiteCommand.Update, UpdateStrategy.Rolling, "LIVE", true, "hub-1", [], "alice", RunDriver.T0, []);

        string report = SiteRunDecider.Report("front", run);

        Assert.StartsWith("Site front: Update (rolling, LIVE, keepgoing), run r1, requested by alice.\n", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_BeyondTheKeptNumber_DropTheOldestFinishedRun()
    {
        var run = new RunDriver(new SiteRunSettings(KeptRuns: 2));
        foreach (string id in new[] { "r1", "r2", "r3" })
        {
            run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Start, id)));
            run.Step(StepOutcome.Failed, runId: id);
        }

        Assert.Equal(["r2", "r3"], run.State.Runs.Select(r => r.RunId));
    }

    [Fact]
    public void StateAndCommands_RoundTripThroughJson()
    {
        var run = new RunDriver();
        run.Apply(RunDriver.Start(RunDriver.ShopPlan(SiteCommand.Update, strategy: UpdateStrategy.StopAll)));
        run.Step(StepOutcome.Succeeded, "stopped");
        string state = JsonSerializer.Serialize(run.State, Json);

        SiteRunState read = JsonSerializer.Deserialize<SiteRunState>(state, Json)!;
        SiteRunCommand command = JsonSerializer.Deserialize<SiteRunCommand>(
            """{"type":"step-completed","actor":"agent","runId":"r1","stepId":"r1:001:web:web-1:stop","outcome":"Failed","output":"x","exitCode":3}""", Json)!;

        Assert.Equal(state, JsonSerializer.Serialize(read, Json));
        Assert.Contains("\"strategy\":\"stop-all\"", state, StringComparison.Ordinal);
        Assert.Equal(new StepCompleted("agent", "r1", "r1:001:web:web-1:stop", StepOutcome.Failed, "x", 3), command);
    }

    [Fact]
    public void OnTimer_AnyTimer_IsRefused()
    {
        var decider = new SiteRunDecider();

        Result<SiteRunCommand> refused = decider.OnTimer(SiteRunState.None, new TimerFired("x", "", RunDriver.T0));

        Assert.False(refused.IsOk);
    }

    private static SiteRunState Fold(SiteRunDecider decider, SiteRunState state, SiteRunCommand command, DateTimeOffset now)
    {
        Result<Decision<SiteRunEvent>> result = decider.Decide(state, command, now);
        Assert.True(result.IsOk, result.Reason);
        return result.Value!.Events.Aggregate(state, decider.Evolve);
    }
}
