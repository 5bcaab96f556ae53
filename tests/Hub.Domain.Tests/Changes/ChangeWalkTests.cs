using Hub.Domain.Changes;
using Hub.Domain.Durable;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

// The walk issue 14 asks to see, in the domain: DEV -> TEST -> STAGE -> PROD with the gate, the tag and branch, a window
// closed at approval that opens a minute later, last-known-good, and a rollback; then the history and time in each state.
public sealed class ChangeWalkTests
{
    private static ChangeFixture Walk()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);
        f.Run(new DecideGate(Pipeline, true, "Fits the Q1 plan."), At(3, 9, 30));
        f.Run(new RequestPromotion(Developer, "DEV"), At(3, 10));
        f.Run(new RecordInstallation(TheHub, "DEV", true), At(3, 10, 10));
        f.Run(new RequestPromotion(Developer, "TEST"), At(3, 11));
        f.Run(new RecordInstallation(TheHub, "TEST", true), At(3, 11, 20));
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));
        f.Run(new WindowOpened(TheHub, "STAGE", At(3, 22)), At(3, 22));
        f.Run(new RecordInstallation(TheHub, "STAGE", true), At(3, 22, 30));
        f.Run(new RequestPromotion(Integrator, "PROD"), At(5, 22, 15));
        f.Run(new RecordInstallation(TheHub, "PROD", true), At(5, 23));
        f.Run(new RequestRollback(Integrator, "Search times out under load.", PreviousGood), At(6, 9));
        f.Run(new RecordInstallation(TheHub, "PROD", true), At(6, 9, 20));
        return f;
    }

    [Fact]
    public void Walk_AllTiersAndRollback_RecordsNamesAndHistory()
    {
        ChangeFixture f = Walk();

        Assert.Equal("Release-2.4.1-20260303", f.State.Tag);
        Assert.Equal("PROD-2.4.1-20260305", f.State.Branch);
        Assert.Equal(At(3, 22, 30), f.State.VettedAt);
        Assert.Equal(
            [
                ("AwaitingPipeline", At(3, 9)), ("Ready", At(3, 9, 30)), ("Installing DEV", At(3, 10)), ("Installed DEV", At(3, 10, 10)),
                ("Installing TEST", At(3, 11)), ("Installed TEST", At(3, 11, 20)), ("WaitingForWindow STAGE", At(3, 21, 59)),
                ("Installing STAGE", At(3, 22)), ("Installed STAGE", At(3, 22, 30)), ("Installing PROD", At(5, 22, 15)),
                ("Completed PROD", At(5, 23)), ("RollingBack PROD", At(6, 9)), ("RolledBack PROD", At(6, 9, 20)),
            ],
            f.State.History.Select(h => (h.State, h.At)));
    }

    [Fact]
    public void TimeInStateAt_AfterTheWalk_IsEachIntervalOnce()
    {
        ChangeFixture f = Walk();

        IReadOnlyDictionary<string, TimeSpan> times = f.State.TimeInStateAt(At(7, 0));

        var expected = new Dictionary<string, TimeSpan>
        {
            ["AwaitingPipeline"] = TimeSpan.FromMinutes(30),
            ["Ready"] = TimeSpan.FromMinutes(30),
            ["Installing DEV"] = TimeSpan.FromMinutes(10),
            ["Installed DEV"] = TimeSpan.FromMinutes(50),
            ["Installing TEST"] = TimeSpan.FromMinutes(20),
            ["Installed TEST"] = new TimeSpan(10, 39, 0),
            ["WaitingForWindow STAGE"] = TimeSpan.FromMinutes(1),
            ["Installing STAGE"] = TimeSpan.FromMinutes(30),
            ["Installed STAGE"] = new TimeSpan(47, 45, 0),
            ["Installing PROD"] = TimeSpan.FromMinutes(45),
            ["Completed PROD"] = TimeSpan.FromHours(10),
            ["RollingBack PROD"] = TimeSpan.FromMinutes(20),
        };
        Assert.Equal(expected.OrderBy(p => p.Key), times.OrderBy(p => p.Key));
    }

    [Fact]
    public void TimeInStateAt_OpenState_CountsUpToNow()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);

        IReadOnlyDictionary<string, TimeSpan> times = f.State.TimeInStateAt(T0.AddHours(2));

        Assert.Equal(TimeSpan.FromHours(2), times["AwaitingPipeline"]);
    }

    [Fact]
    public void StateName_OfAnOpenedChange_IsStatusAndTier()
    {
        ChangeFixture f = Approved(through: "DEV");

        string? name = f.Decider.StateName(f.State);

        Assert.Equal("Installed DEV", name);
        Assert.Null(f.Decider.StateName(ChangeState.None));
    }

    [Fact]
    public void Evolve_EveryEvent_CountsTheSequence()
    {
        ChangeFixture f = Walk();

        long sequence = f.State.Sequence;

        // opened, gate, 4 x (approved + started) + 1 waiting, 4 installations, rollback started and recorded.
        Assert.Equal(17, sequence);
    }
}
