using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using static Hub.Domain.Intake.Tickets.RolloutProgress;

namespace Hub.Domain.Tests.Releases;

/// <summary>
/// Every (from, to) pair of the eleven RolloutProgress states, requested by an actor of every team: the DESIGN 5.2
/// table, written out here by hand, is allowed; every other pair is refused with a reason naming both states.
/// </summary>
public sealed class ReleaseTransitionTableTests
{
    // DESIGN 5.2, for an ordinary release (Failed releases failed in InVerification).
    private static readonly (RolloutProgress From, RolloutProgress To)[] Ordinary =
    [
        (Submitted, Unverified),
        (Unverified, InVerification),
        (InVerification, WaitingForResponse), (WaitingForResponse, InVerification),
        (InVerification, StageRollout), (WaitingForResponse, StageRollout),
        (StageRollout, Production),
        (InVerification, Rejected), (WaitingForResponse, Rejected), (StageRollout, Rejected),
        (Submitted, Ignored), (Unverified, Ignored), (InVerification, Ignored), (WaitingForResponse, Ignored), (StageRollout, Ignored), (Deferred, Ignored),
        (Submitted, NotPublished), (Unverified, NotPublished), (InVerification, NotPublished), (WaitingForResponse, NotPublished), (StageRollout, NotPublished), (Deferred, NotPublished),
        (Submitted, Failed), (Unverified, Failed), (InVerification, Failed), (WaitingForResponse, Failed), (StageRollout, Failed), (Deferred, Failed),
        (Failed, InVerification),
    ];

    // An emergency release with an admin override may also go Unverified -> StageRollout and straight to Production.
    private static readonly (RolloutProgress From, RolloutProgress To)[] EmergencyExtra =
    [
        (Unverified, StageRollout), (Unverified, Production), (InVerification, Production), (WaitingForResponse, Production),
    ];

    public static TheoryData<RolloutProgress, RolloutProgress> AllPairs()
    {
        var data = new TheoryData<RolloutProgress, RolloutProgress>();
        foreach (RolloutProgress from in Enum.GetValues<RolloutProgress>())
        {
            foreach (RolloutProgress to in Enum.GetValues<RolloutProgress>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void RequestTransition_OrdinaryRelease_FollowsTheTableExactly(RolloutProgress from, RolloutProgress to)
    {
        var fixture = new ReleaseFixture();
        ReleaseState state = ReleaseFixture.In(from);

        Result<Decision<ReleaseEvent>> result = fixture.Decide(state, new RequestTransition(ReleaseFixture.Everyone, to));

        AssertFollowsTable(Ordinary.Contains((from, to)), from, to, result);
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void RequestTransition_EmergencyWithAdminOverride_AddsOnlyTheEmergencyPaths(RolloutProgress from, RolloutProgress to)
    {
        var fixture = new ReleaseFixture();
        ReleaseState state = ReleaseFixture.In(from, emergency: true);

        Result<Decision<ReleaseEvent>> result = fixture.Decide(state, new RequestTransition(ReleaseFixture.Everyone, to, Override: true));

        AssertFollowsTable(Ordinary.Contains((from, to)) || EmergencyExtra.Contains((from, to)), from, to, result);
    }

    [Theory]
    [InlineData(Submitted, Unverified, "qc-amy")]
    [InlineData(Unverified, InVerification, "qc-amy")]
    [InlineData(InVerification, WaitingForResponse, "qc-amy")]
    [InlineData(InVerification, Rejected, "qc-amy")]
    [InlineData(StageRollout, Production, "sr-bob")]
    [InlineData(StageRollout, Rejected, "sr-bob")]
    [InlineData(Deferred, Ignored, "sr-bob")]
    [InlineData(InVerification, Failed, "root")]
    public void RequestTransition_RightTeam_Allowed(RolloutProgress from, RolloutProgress to, string actor)
    {
        var fixture = new ReleaseFixture();
        ReleaseActor who = new[] { ReleaseFixture.Qc, ReleaseFixture.Sr, ReleaseFixture.Admin }.Single(a => a.Name == actor);

        Result<Decision<ReleaseEvent>> result = fixture.Decide(ReleaseFixture.In(from), new RequestTransition(who, to));

        Assert.True(result.IsOk, result.Reason);
    }

    [Theory]
    [InlineData(Unverified, InVerification, "provider@vendor.example", "needs the QC team or an admin")]
    [InlineData(StageRollout, Production, "qc-amy", "needs the SR team or an admin")]
    [InlineData(InVerification, StageRollout, "sr-bob", "needs the QC team or an admin")]
    [InlineData(InVerification, Failed, "qc-amy", "needs an admin or the hub")]
    [InlineData(Submitted, Ignored, "provider@vendor.example", "needs the QC team or the SR team or an admin")]
    public void RequestTransition_WrongTeam_RefusedNamingWhoMay(RolloutProgress from, RolloutProgress to, string actor, string expected)
    {
        var fixture = new ReleaseFixture();
        ReleaseActor who = new[] { ReleaseFixture.Provider, ReleaseFixture.Qc, ReleaseFixture.Sr }.Single(a => a.Name == actor);

        Result<Decision<ReleaseEvent>> result = fixture.Decide(ReleaseFixture.In(from), new RequestTransition(who, to));

        Assert.False(result.IsOk);
        Assert.Contains($"{from} -> {to} {expected}", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestTransition_BackwardStageRolloutToInVerification_RefusedClearly()
    {
        var fixture = new ReleaseFixture();

        Result<Decision<ReleaseEvent>> result = fixture.Decide(ReleaseFixture.In(StageRollout), new RequestTransition(ReleaseFixture.Everyone, InVerification));

        Assert.Equal("StageRollout -> InVerification is not an allowed transition (DESIGN 5.2).", result.Reason);
    }

    [Fact]
    public void RequestTransition_RequestedDeferred_RefusedBecauseTheHubDefers()
    {
        var fixture = new ReleaseFixture();

        Result<Decision<ReleaseEvent>> result = fixture.Decide(ReleaseFixture.In(InVerification), new RequestTransition(ReleaseFixture.Everyone, Deferred));

        Assert.StartsWith("InVerification -> Deferred is made by the hub only", result.Reason, StringComparison.Ordinal);
    }

    private static void AssertFollowsTable(bool allowed, RolloutProgress from, RolloutProgress to, Result<Decision<ReleaseEvent>> result)
    {
        if (allowed)
        {
            Assert.True(result.IsOk, $"{from} -> {to} should be allowed: {result.Reason}");
            ReleaseEvent first = result.Value!.Events[0];
            // A request for StageRollout asks the major release's slot first; every other move happens at once.
            if (to == StageRollout && from != Failed)
            {
                Assert.Equal(new SlotRequested(from, "umd-4", "everyone", null, null, ReleaseFixture.T0), first);
            }
            else
            {
                ProgressChanged changed = Assert.IsType<ProgressChanged>(first);
                Assert.Equal((from, to), (changed.From, changed.To));
            }
        }
        else
        {
            Assert.False(result.IsOk, $"{from} -> {to} should be refused");
            Assert.Contains(from.ToString(), result.Reason, StringComparison.Ordinal);
            Assert.Contains(to.ToString(), result.Reason, StringComparison.Ordinal);
        }
    }
}
