using Hub.Domain.Releases;
using static Hub.Domain.Intake.Tickets.RolloutProgress;

namespace Hub.Domain.Tests.Releases;

/// <summary>
/// A scripted March 2026 of 30 releases driven through the real deciders, and the month's figures worked out by hand
/// (the arithmetic is in the comments next to each expected value).
/// </summary>
public sealed class ReleaseMetricsTests
{
    private static DateTimeOffset Mar(int day, int hour) => new(2026, 3, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Month_ThirtyScriptedReleases_MatchTheFiguresWorkedOutByHand()
    {
        ReleaseFixture f = Script();

        ReleaseMonthReport march = ReleaseMetrics.Month("2026-03", f.Releases.Values.SelectMany(r => ReleaseMetrics.Facts(ReleaseMetricsSnapshot.Of(r))));

        // M.REPO-1 delivered (first entered Unverified in March): A 10 + B 5 + C 5 + D 5 + #30 = 26.
        Assert.Equal(26, march.Repo1Delivered);
        // M.REPO-2 passed verification (first StageRollout or Deferred): A 10 + C 5 (#16 StageRollout, #17-#20 Deferred) = 15.
        Assert.Equal(15, march.Repo2PassedVerification);
        // M.REPO-3 passed staged rollout (StageRollout -> Production): A 10. #30 went Unverified -> Production by override.
        Assert.Equal(10, march.Repo3PassedStageRollout);
        // M.SA1.3-1: staged rollouts that ended: A (#1-#5 two teams, #6-#10 one) and #16 (one): (10 + 5 + 1) / 11 = 1.4545.
        Assert.Equal(1.45, march.Sa1EarlyAdopterTeamsPerRelease);
        Assert.Equal(11, march.Sa1TeamsByRelease.Count);
        Assert.Equal(2, march.Sa1TeamsByRelease[1]);
        Assert.Equal(1, march.Sa1TeamsByRelease[16]);
        // -2 accepted: ibergrid on #1-#10, fr on #1-#5 = 15; -3 rejected: fr on #16 = 1.
        Assert.Equal(15, march.Sa2SuccessfulStageRollouts);
        Assert.Equal(1, march.Sa3RejectedStageRollouts);
        // -4: A entered StageRollout on the 3rd at 12:00 and Production on the 5th at 12:00: 48 h, 10 releases.
        Assert.Equal((48.0, 10), (march.Sa4StageRolloutToProductionHours, march.Sa4Releases));
        // -5: #1-#4 published their report on the 6th at 12:00, 24 h after Production.
        Assert.Equal((24.0, 4), (march.Sa5ProductionToReportHours, march.Sa5Releases));
        // -6: ibergrid reported on 10 releases; fr on #1-#5 and #16 = 6. -7: the same per NGI.
        Assert.Equal(new Dictionary<string, int> { ["ea-fr"] = 6, ["ea-ibergrid"] = 10 }, march.Sa6ReleasesPerTeam);
        Assert.Equal(new Dictionary<string, int> { ["IBERGRID"] = 10, ["NGI_FRANCE"] = 6 }, march.Sa7ReleasesPerNgi);
        // Time in state, averaged over the 18 releases closed in March (A 10, B 5, #16, #26, #30):
        // Submitted 18 x 1 h / 18 = 1; Unverified (A 2 h x 10 + B 1 h x 5 + #16 1 h + #30 1 h) = 27 / 18 = 1.5;
        // InVerification (A 24 h x 10 + B 25 h x 5 + #16 25 h) = 390 / 18 = 21.67; WaitingForResponse B 24 h x 5 = 120 / 18 = 6.67;
        // StageRollout (A 48 h x 10 + #16 48 h) = 528 / 18 = 29.33.
        Assert.Equal(
            new Dictionary<Hub.Domain.Intake.Tickets.RolloutProgress, double>
            {
                [Submitted] = 1, [Unverified] = 1.5, [InVerification] = 21.67, [WaitingForResponse] = 6.67, [StageRollout] = 29.33,
            },
            march.AverageHoursInState);
        Assert.Equal(18, march.HoursInStateByRelease.Count);
        Assert.Equal(24, march.HoursInStateByRelease[11][WaitingForResponse]);
    }

    [Fact]
    public void Month_NothingHappenedInIt_AllZero()
    {
        ReleaseFixture f = Script();

        ReleaseMonthReport april = ReleaseMetrics.Month("2026-04", f.Releases.Values.SelectMany(r => ReleaseMetrics.Facts(ReleaseMetricsSnapshot.Of(r))));

        Assert.Equal((0, 0, 0, 0, 0), (april.Repo1Delivered, april.Repo2PassedVerification, april.Repo3PassedStageRollout, april.Sa2SuccessfulStageRollouts, april.Sa3RejectedStageRollouts));
        Assert.Null(april.Sa1EarlyAdopterTeamsPerRelease);
        Assert.Empty(april.AverageHoursInState);
    }

    [Fact]
    public void Csv_Month_OneFigureALineWithHeader()
    {
        ReleaseMonthReport march = ReleaseMetrics.Month("2026-03", Script().Releases.Values.SelectMany(r => ReleaseMetrics.Facts(ReleaseMetricsSnapshot.Of(r))));

        string[] lines = ReleaseMetrics.Csv(march).Split("\r\n");

        Assert.Equal("metric,key,value", lines[0]);
        Assert.Equal("M.REPO-1,,26", lines[1]);
        Assert.Contains("M.SA1.3-1,average,1.45", lines);
        Assert.Contains("M.SA1.3-4,average-hours,48", lines);
        Assert.Contains("M.SA1.3-7,NGI_FRANCE,6", lines);
        Assert.Contains("time-in-state,InVerification,21.67", lines);
    }

    [Fact]
    public void Facts_OpenedOnlyThenDelivered_NothingThenDeliveredWithANewerVersion()
    {
        var f = new ReleaseFixture();
        f.Open(1, "X1", at: Mar(2, 9));
        var early = ReleaseMetrics.Facts(ReleaseMetricsSnapshot.Of(f.Releases[1]));
        f.Move(1, Unverified, at: Mar(2, 10));

        var later = ReleaseMetrics.Facts(ReleaseMetricsSnapshot.Of(f.Releases[1]));

        Assert.Empty(early);
        ReleaseMonthFacts delivered = Assert.Single(later);
        Assert.Equal(("2026-03", true, false), (delivered.Month, delivered.Delivered, delivered.PassedVerification));
        Assert.Equal(f.Releases[1].Version, delivered.Version);
    }

    /// <summary>The month, release by release (groups A-E, see the expected figures above).</summary>
    private static ReleaseFixture Script()
    {
        var f = new ReleaseFixture();
        // A #1-#10: each its own major release; verified, staged, reported, in Production on the 5th.
        for (long n = 1; n <= 10; n++)
        {
            f.Open(n, $"A{n}", at: Mar(2, 9));
            f.Move(n, Unverified, at: Mar(2, 10));
            f.Move(n, InVerification, at: Mar(2, 12));
            f.Move(n, StageRollout, at: Mar(3, 12));
            Report(f, n, "ea-ibergrid", true, Mar(4, 12));
            if (n <= 5)
            {
                Report(f, n, "ea-fr", true, Mar(4, 13));
            }

            f.Move(n, Production, ReleaseFixture.Sr, Mar(5, 12));
            if (n <= 4)
            {
                Assert.True(f.Send(n, new PublishConsolidatedReport(ReleaseFixture.Sr, $"https://wiki.example.org/sr/{n}"), Mar(6, 12)).IsOk);
            }
        }

        // B #11-#15: a day waiting for the provider, then rejected by QC.
        for (long n = 11; n <= 15; n++)
        {
            f.Open(n, "B", at: Mar(10, 9));
            f.Move(n, Unverified, at: Mar(10, 10));
            f.Move(n, InVerification, at: Mar(10, 11));
            f.Move(n, WaitingForResponse, at: Mar(10, 12));
            f.Move(n, InVerification, at: Mar(11, 12));
            f.Move(n, Rejected, ReleaseFixture.Qc, Mar(12, 12));
        }

        // C #16-#20: one major release; #16 takes the slot, the others wait; fr rejects #16, SR rejects it, #17 is promoted.
        for (long n = 16; n <= 20; n++)
        {
            f.Open(n, "C", at: Mar(14, 9));
            f.Move(n, Unverified, at: Mar(14, 10));
            f.Move(n, InVerification, at: Mar(14, 11));
            f.Move(n, StageRollout, at: Mar(15, 12));
        }

        Report(f, 16, "ea-fr", false, Mar(16, 12));
        f.Move(16, Rejected, ReleaseFixture.Sr, Mar(17, 12));
        Assert.Equal(StageRollout, f.Releases[17].Progress);

        // D #21-#25: delivered, not yet verified.
        for (long n = 21; n <= 25; n++)
        {
            f.Open(n, "D", at: Mar(20, 9));
            f.Move(n, Unverified, at: Mar(20, 10));
        }

        // E #26-#30: #26 ignored while Submitted, #27-#29 still Submitted, #30 an emergency sent to Production by override.
        for (long n = 26; n <= 29; n++)
        {
            f.Open(n, "E", at: Mar(25, 9));
        }

        f.Move(26, Ignored, at: Mar(25, 10));
        f.Open(30, "E30", emergency: true, at: Mar(25, 9));
        f.Move(30, Unverified, at: Mar(25, 10));
        f.Move(30, Production, ReleaseFixture.Admin, Mar(25, 11), overrideFlag: true);
        Assert.Equal(30, f.Releases.Count);
        return f;
    }

    private static void Report(ReleaseFixture f, long release, string team, bool accepted, DateTimeOffset at)
    {
        var result = f.Send(release, new FileStageRolloutReport(ReleaseFixture.Sr, team, accepted, $"https://wiki.example.org/{team}/{release}"), at);
        Assert.True(result.IsOk, result.Reason);
    }
}
