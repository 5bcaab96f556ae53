using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Domain.Tickets;
using static Hub.Domain.Intake.Tickets.RolloutProgress;

namespace Hub.Domain.Tests.Releases;

/// <summary>Deferral order, emergency and override paths, Failed and retry, notifications and time in state.</summary>
public sealed class ReleaseWorkflowTests
{
    private static readonly DateTimeOffset T0 = ReleaseFixture.T0;
    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public void StageRollout_SlotTaken_OthersWaitInDeferredAndArePromotedFirstInFirstOut()
    {
        var f = new ReleaseFixture();
        foreach (long n in new long[] { 1, 2, 3, 4 })
        {
            f.Open(n);
            f.Move(n, Unverified);
            f.Move(n, InVerification);
        }

        f.Move(1, StageRollout);
        f.Move(3, StageRollout, at: T0.AddMinutes(1));
        f.Move(2, StageRollout, at: T0.AddMinutes(2));
        f.Move(4, StageRollout, at: T0.AddMinutes(3));
        var deferred = new[] { f.Releases[2].Progress, f.Releases[3].Progress, f.Releases[4].Progress };
        f.Move(1, Production, ReleaseFixture.Sr, T0.AddHours(1));
        var afterFirst = (f.Releases[3].Progress, f.Releases[2].Progress);
        f.Move(3, Rejected, ReleaseFixture.Sr, T0.AddHours(2));
        var afterSecond = (f.Releases[2].Progress, f.Releases[4].Progress);

        Assert.Equal(Production, f.Releases[1].Progress);
        Assert.Equal([Deferred, Deferred, Deferred], deferred);
        Assert.Equal((StageRollout, Deferred), afterFirst);
        Assert.Equal((StageRollout, Deferred), afterSecond);
        Assert.Equal([4L], f.SlotStates["umd-4"].Waiting.Select(w => w.Release));
        Assert.Equal(2, f.SlotStates["umd-4"].Holder);
    }

    [Fact]
    public void StageRollout_OtherMajorRelease_DoesNotWait()
    {
        var f = new ReleaseFixture();
        f.Open(1, "umd-4");
        f.Open(2, "umd-5");
        foreach (long n in new long[] { 1, 2 })
        {
            f.Move(n, Unverified);
            f.Move(n, InVerification);
            f.Move(n, StageRollout);
        }

        Assert.Equal((StageRollout, StageRollout), (f.Releases[1].Progress, f.Releases[2].Progress));
    }

    [Fact]
    public void DeferredRelease_Rejected_LeavesTheQueueSoTheNextIsPromoted()
    {
        var f = new ReleaseFixture();
        foreach (long n in new long[] { 1, 2, 3 })
        {
            f.Open(n);
            f.Move(n, Unverified);
            f.Move(n, InVerification);
            f.Move(n, StageRollout);
        }

        f.Move(2, Ignored, ReleaseFixture.Qc);
        f.Move(1, Production, ReleaseFixture.Sr);

        Assert.Equal((Ignored, StageRollout), (f.Releases[2].Progress, f.Releases[3].Progress));
    }

    [Fact]
    public void Emergency_UnverifiedToStageRollout_SkipsVerificationAndQueuesAheadOfOrdinaryReleases()
    {
        var f = new ReleaseFixture();
        foreach (long n in new long[] { 1, 2 })
        {
            f.Open(n);
            f.Move(n, Unverified);
            f.Move(n, InVerification);
            f.Move(n, StageRollout);
        }

        f.Open(9, emergency: true);
        f.Move(9, Unverified);
        f.Move(9, StageRollout, ReleaseFixture.Qc);
        Assert.Equal(Deferred, f.Releases[9].Progress);
        f.Move(1, Production, ReleaseFixture.Sr);

        Assert.Equal((StageRollout, Deferred), (f.Releases[9].Progress, f.Releases[2].Progress));
    }

    [Fact]
    public void Emergency_StraightToProduction_OnlyWithAdminOverrideRecordedInHistory()
    {
        var f = new ReleaseFixture();
        f.Open(9, emergency: true);
        f.Move(9, Unverified);

        Result<Decision<ReleaseEvent>> noOverride = f.Send(9, new RequestTransition(ReleaseFixture.Admin, Production), T0);
        Result<Decision<ReleaseEvent>> notAdmin = f.Send(9, new RequestTransition(ReleaseFixture.Qc, Production, Override: true), T0);
        Result<Decision<ReleaseEvent>> overridden = f.Send(9, new RequestTransition(ReleaseFixture.Admin, Production, "CVE fix", Override: true), T0);

        Assert.Equal("Unverified -> Production needs an explicit admin override (override: true).", noOverride.Reason);
        Assert.Equal("Unverified -> Production needs an admin; qc-amy acts for the QC team.", notAdmin.Reason);
        ProgressChanged changed = Assert.IsType<ProgressChanged>(overridden.Value!.Events[0]);
        Assert.True(changed.Override);
        Assert.Equal("root", changed.Actor);
        Assert.Equal(Production, f.Releases[9].Progress);
    }

    [Fact]
    public void Emergency_ShortenedDeadline_TimerSetEarlier()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Open(9, emergency: true);
        f.Move(1, Unverified);
        f.Move(9, Unverified);

        Decision<ReleaseEvent> ordinary = f.Decide(f.Releases[1], new RequestTransition(ReleaseFixture.Qc, InVerification)).Value!;
        Decision<ReleaseEvent> emergency = f.Decide(f.Releases[9], new RequestTransition(ReleaseFixture.Qc, InVerification)).Value!;

        Assert.Equal(new TimerRequest("deadline", T0.AddDays(10), "InVerification"), Assert.Single(ordinary.Timers));
        Assert.Equal(new TimerRequest("deadline", T0.AddHours(8), "InVerification"), Assert.Single(emergency.Timers));
    }

    [Fact]
    public void Deadline_FiresWhileStillInTheState_RecordedAndOwnerReminded_LaterOneDropped()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Move(1, Unverified);
        f.Move(1, InVerification);
        TimerFired timer = new("deadline", "InVerification", T0.AddDays(10));

        Result<ReleaseCommand> command = f.Decider.OnTimer(f.Releases[1], timer);
        Decision<ReleaseEvent> due = f.Decide(f.Releases[1], command.Value!, T0.AddDays(10)).Value!;
        f.Move(1, WaitingForResponse);
        Decision<ReleaseEvent> stale = f.Decide(f.Releases[1], command.Value!, T0.AddDays(10)).Value!;

        Assert.Equal(new DeadlinePassed(ReleaseActor.Hub, InVerification, T0.AddDays(10)), command.Value);
        Assert.Equal(new DeadlineMissed(InVerification, T0.AddDays(10), T0.AddDays(10)), Assert.Single(due.Events));
        TicketNotification mail = Assert.Single(ReleaseFixture.Mails(due.Effects));
        Assert.Equal(["qc-lead@example.org"], mail.To);
        Assert.Equal(["sw-rel-admin@example.org"], mail.Bcc);
        Assert.Equal("deadline", mail.Kind);
        Assert.Empty(stale.Events);
    }

    [Fact]
    public void ArtifactsFailed_GoesToFailedWithTheReason_AdminRetryReturnsToThePriorState()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Send(1, new RequestTransition(ReleaseFixture.Provider, Unverified), T0);

        f.Send(1, new ArtifactsFailed(ReleaseActor.Hub, Unverified, "package 'foo-server' (rpms/foo-server.rpm): SHA-256 mismatch"), T0.AddMinutes(1));
        ReleaseState failed = f.Releases[1];
        Result<Decision<ReleaseEvent>> wrongRetry = f.Send(1, new RequestTransition(ReleaseFixture.Admin, InVerification), T0.AddMinutes(2));
        Result<Decision<ReleaseEvent>> qcRetry = f.Send(1, new RequestTransition(ReleaseFixture.Qc, Unverified), T0.AddMinutes(2));
        Result<Decision<ReleaseEvent>> retry = f.Send(1, new RequestTransition(ReleaseFixture.Admin, Unverified), T0.AddMinutes(3));

        Assert.Equal(Failed, failed.Progress);
        Assert.Equal(Unverified, failed.FailedFrom);
        Assert.Equal("Repository step for Unverified failed: package 'foo-server' (rpms/foo-server.rpm): SHA-256 mismatch", failed.FailureReason);
        Comment comment = f.Commands<TicketCommand>("ticket").OfType<Comment>().Single();
        Assert.Contains("SHA-256 mismatch", comment.Body, StringComparison.Ordinal);
        Assert.Equal("Failed -> InVerification is not allowed: an admin retry returns a Failed release to the state it failed in (Unverified).", wrongRetry.Reason);
        Assert.Equal("Failed -> Unverified needs an admin; qc-amy acts for the QC team.", qcRetry.Reason);
        Assert.True(retry.IsOk);
        Assert.Equal(Unverified, f.Releases[1].Progress);
        // The placement runs again on retry.
        Assert.Contains(retry.Value!.Effects, e => e.Kind == ArtifactWork.EffectKind);
    }

    [Fact]
    public void ArtifactsFailed_AfterTheReleaseClosed_IsRecordedAndCommentedNotDropped()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Move(1, Unverified);
        f.Move(1, InVerification);
        f.Move(1, StageRollout);
        Assert.True(f.Send(1, new RequestTransition(ReleaseFixture.Sr, Production), T0.AddHours(1)).IsOk);

        Result<Decision<ReleaseEvent>> failed = f.Send(1, new ArtifactsFailed(ReleaseActor.Hub, Production, "package 'foo-server' is in neither area"), T0.AddHours(2));

        ArtifactsStepFailed recorded = Assert.IsType<ArtifactsStepFailed>(Assert.Single(failed.Value!.Events));
        Assert.Equal((Production, "package 'foo-server' is in neither area"), (recorded.Target, recorded.Reason));
        Assert.Equal(Production, f.Releases[1].Progress);
        Assert.Null(f.Releases[1].ArtifactsPendingFor);
        Assert.Equal("Production: package 'foo-server' is in neither area", f.Releases[1].RepositoryFailure);
        Comment comment = f.Commands<TicketCommand>("ticket").OfType<Comment>().Last();
        Assert.StartsWith("Repository step for Production failed while the release was Production: package 'foo-server' is in neither area.", comment.Body, StringComparison.Ordinal);
        Assert.Contains("https://blob.example/repo/sw/stagerollout/foo/2.1.1/", comment.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Transition_StageRolloutAndProduction_MailsNameTheAreaTheReleaseMovesTo()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Move(1, Unverified);
        f.Move(1, InVerification);
        Assert.True(f.Send(1, new RequestTransition(ReleaseFixture.Qc, StageRollout), T0).IsOk);
        TicketNotification stageRollout = ReleaseFixture.Mails(f.Effects).Last();
        f.CompleteArtifacts(1, T0);
        Assert.True(f.Send(1, new RequestTransition(ReleaseFixture.Sr, Production), T0).IsOk);
        TicketNotification production = ReleaseFixture.Mails(f.Effects).Last();

        Assert.Contains("Repository: https://blob.example/repo/sw/stagerollout/foo/2.1.1/\n", stageRollout.Body, StringComparison.Ordinal);
        Assert.Contains("Repository: https://blob.example/repo/sw/production/umd-4/updates/foo/2.1.1/\n", production.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Unverified_ArtifactsStillBeingPlaced_OnlyGivingUpMayLeave()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        Assert.True(f.Send(1, new RequestTransition(ReleaseFixture.Provider, Unverified), T0).IsOk);

        Result<Decision<ReleaseEvent>> early = f.Send(1, new RequestTransition(ReleaseFixture.Qc, InVerification), T0.AddMinutes(1));
        Result<Decision<ReleaseEvent>> ignored = f.Decide(f.Releases[1], new RequestTransition(ReleaseFixture.Qc, Ignored), T0.AddMinutes(1));
        f.CompleteArtifacts(1, T0.AddMinutes(2));
        Result<Decision<ReleaseEvent>> placed = f.Send(1, new RequestTransition(ReleaseFixture.Qc, InVerification), T0.AddMinutes(3));

        Assert.Equal("Unverified -> InVerification waits for the artifacts to reach the Unverified area first; try again when RepositoryURL shows it.", early.Reason);
        Assert.True(ignored.IsOk, ignored.Reason);
        Assert.True(placed.IsOk, placed.Reason);
    }

    [Fact]
    public void ArtifactsFailed_RetryIntoAStateWithoutPlacedArtifacts_PlacesThem()
    {
        var f = new ReleaseFixture();
        // Failed in InVerification with nothing placed (as a release could before leaving Unverified waited for them).
        ReleaseState failed = ReleaseFixture.In(Failed, failedFrom: InVerification) with { Area = null, RepositoryUrl = null };

        Result<Decision<ReleaseEvent>> retry = f.Decide(failed, new RequestTransition(ReleaseFixture.Admin, InVerification), T0);
        ReleaseState retried = ReleaseFixture.Apply(f.Decider, failed, retry.Value!);
        SideEffect work = Assert.Single(retry.Value!.Effects, e => e.Kind == ArtifactWork.EffectKind);
        ArtifactWork place = System.Text.Json.JsonSerializer.Deserialize<ArtifactWork>(work.Payload, WebJson)!;
        string area = ReleaseAreas.Unverified(ReleaseFixture.Metadata);
        Result<Decision<ReleaseEvent>> done = f.Decide(retried, new ArtifactsDone(ReleaseActor.Hub, place.Target, area, "https://blob.example/repo/" + area, null, null), T0);
        ReleaseState after = ReleaseFixture.Apply(f.Decider, retried, done.Value!);

        Assert.Equal((ArtifactWork.Place, InVerification, area), (place.Operation, place.Target, place.ToArea));
        Assert.Equal(InVerification, retried.ArtifactsPendingFor);
        Assert.Null(after.ArtifactsPendingFor);
        Assert.Equal(area, after.Area);
        Assert.True(f.Decide(after, new RequestTransition(ReleaseFixture.Qc, StageRollout), T0).IsOk);
    }

    [Fact]
    public void ArtifactOutcome_ForATargetNotPending_IsIgnored()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        Assert.True(f.Send(1, new RequestTransition(ReleaseFixture.Provider, Unverified), T0).IsOk);
        string stage = ReleaseAreas.StageRollout(f.Releases[1].Metadata!);

        Result<Decision<ReleaseEvent>> staleDone = f.Send(1, new ArtifactsDone(ReleaseActor.Hub, StageRollout, stage, "https://blob.example/repo/" + stage, null, null), T0);
        Result<Decision<ReleaseEvent>> staleFailed = f.Send(1, new ArtifactsFailed(ReleaseActor.Hub, StageRollout, "an old run gave up"), T0);

        Assert.Empty(staleDone.Value!.Events);
        Assert.Empty(staleFailed.Value!.Events);
        Assert.Equal((Unverified, Unverified, (string?)null), (f.Releases[1].Progress, f.Releases[1].ArtifactsPendingFor, f.Releases[1].Area));
    }

    [Fact]
    public void ArtifactsDone_StartingAFollowUpMove_KeepsThatMovePending()
    {
        var f = new ReleaseFixture();
        ReleaseState failed = ReleaseFixture.In(Failed, failedFrom: StageRollout) with { Area = null, RepositoryUrl = null };
        ReleaseState retried = ReleaseFixture.Apply(f.Decider, failed, f.Decide(failed, new RequestTransition(ReleaseFixture.Admin, StageRollout), T0).Value!);
        string unverified = ReleaseAreas.Unverified(ReleaseFixture.Metadata), stage = ReleaseAreas.StageRollout(ReleaseFixture.Metadata);

        Decision<ReleaseEvent> placed = f.Decide(retried, new ArtifactsDone(ReleaseActor.Hub, StageRollout, unverified, "https://blob.example/repo/" + unverified, null, null), T0).Value!;
        ReleaseState moving = ReleaseFixture.Apply(f.Decider, retried, placed);
        ReleaseState moved = ReleaseFixture.Apply(f.Decider, moving, f.Decide(moving, new ArtifactsDone(ReleaseActor.Hub, StageRollout, stage, "https://blob.example/repo/" + stage, null, null), T0).Value!);

        Assert.Contains(placed.Effects, e => e.Kind == ArtifactWork.EffectKind);
        Assert.Equal((StageRollout, unverified), (moving.ArtifactsPendingFor, moving.Area));
        Assert.Equal(((RolloutProgress?)null, stage), (moved.ArtifactsPendingFor, moved.Area));
    }

    [Fact]
    public void Transition_EachChange_RebuildsCcFromTheMatrixWithAdminCcInBcc()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Move(1, Unverified);
        TicketNotification unverified = ReleaseFixture.Mails(f.Effects).Last();
        f.Move(1, InVerification);
        f.Move(1, StageRollout);
        TicketNotification stageRollout = ReleaseFixture.Mails(f.Effects).Last();
        f.Move(1, Production, ReleaseFixture.Sr);
        TicketNotification production = ReleaseFixture.Mails(f.Effects).Last();

        Assert.Equal(["sw-rel-qc@example.org"], unverified.To);
        Assert.Equal(["sw-rel-admin@example.org"], unverified.Bcc);
        Assert.Equal(["sw-rel-sr@example.org", "ea-ibergrid@example.org", "ea-fr@example.org"], stageRollout.To);
        Assert.Equal(["sw-rel-production@example.org", "provider@vendor.example", "release-manager@example.org"], production.To);
        Assert.Equal("[hub #1] Release Release 1: StageRollout -> Production", production.Subject);
        Assert.Equal(["sw-rel-production@example.org", "provider@vendor.example", "release-manager@example.org"], f.Releases[1].Cc);
        Assert.Equal("sr-lead@example.org", f.Releases[1].Owner);
    }

    [Fact]
    public void TimeInState_CountsEachStateAndPausesSeparately()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Move(1, Unverified, at: T0.AddHours(1));
        f.Move(1, InVerification, at: T0.AddHours(3));
        f.Move(1, WaitingForResponse, at: T0.AddHours(4));
        f.Move(1, InVerification, at: T0.AddHours(10));

        IReadOnlyDictionary<Hub.Domain.Intake.Tickets.RolloutProgress, TimeSpan> times = f.Releases[1].TimeInStateAt(T0.AddHours(12));

        Assert.Equal(TimeSpan.FromHours(1), times[Submitted]);
        Assert.Equal(TimeSpan.FromHours(2), times[Unverified]);
        Assert.Equal(TimeSpan.FromHours(3), times[InVerification]);
        Assert.Equal(TimeSpan.FromHours(6), times[WaitingForResponse]);
    }

    [Fact]
    public void UploadMetadata_AfterSubmitted_RefusedBecauseFrozen()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        f.Move(1, Unverified);

        Result<Decision<ReleaseEvent>> late = f.Send(1, new UploadMetadata(ReleaseFixture.Provider, ReleaseFixture.Metadata, "x", new string('c', 64)), T0);

        Assert.Equal("release.xml of release #1 was frozen when it left Submitted (Unverified now); it is never replaced.", late.Reason);
        Assert.True(f.Releases[1].MetadataFrozen);
    }

    [Fact]
    public void Open_Rsync_RefusedWithAClearError()
    {
        var f = new ReleaseFixture();

        Result<Decision<ReleaseEvent>> result = f.Send(1, new OpenRelease(ReleaseFixture.Provider, 1, "Foo", null, false, SyncProtocol: "rsync", SyncUrl: "rsync://vendor.example/foo"), T0);

        Assert.StartsWith("syncProtocol: rsync is not supported", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalTransition_PreviousDoesNotMatch_RecordedAsRefusedWithACommentOnTheTicket()
    {
        var f = new ReleaseFixture();
        f.Open(1);
        var rt = new ReleaseActor("tickets:rt", [ReleaseTeam.Qc, ReleaseTeam.Sr]);

        Result<Decision<ReleaseEvent>> result = f.Send(1, new ExternalTransition(rt, "rt", StageRollout, InVerification, false), T0);

        ExternalTransitionRefused refused = Assert.IsType<ExternalTransitionRefused>(Assert.Single(result.Value!.Events));
        Assert.Equal("rt reports InVerification -> StageRollout, but release #1 is Submitted.", refused.Reason);
        Assert.Equal(Submitted, f.Releases[1].Progress);
    }
}
