using Hub.Domain.Changes;
using Hub.Domain.Durable;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

public sealed class ChangeClosedTests
{
    public static TheoryData<ChangeCommand> Commands => new()
    {
        new DecideGate(Pipeline, true, "ok"),
        new RequestPromotion(Integrator, "PROD"),
        new RecordInstallation(TheHub, "PROD", true),
        new RequestRollback(Integrator, "again", PreviousGood),
        new WithdrawBuild(Integrator, "bad"),
        new CancelChange(Integrator, "done"),
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Decide_RolledBackChange_Closed(ChangeCommand command)
    {
        ChangeFixture f = Approved(through: "PROD");
        f.Run(new RequestRollback(Integrator, "Search times out under load.", PreviousGood), At(4, 9));
        f.Run(new RecordInstallation(TheHub, "PROD", true), At(4, 9, 20));

        ChangeRefusal refusal = f.Refuse(command, At(4, 10));

        Assert.Equal(ChangeRule.Closed, refusal.Rule);
        Assert.Equal("Change #7 is closed (RolledBack: last-known-good map-portal-bin-stable-002.003 restored on PROD).", refusal.Message);
    }

    [Fact]
    public void RequestPromotion_StageApprovedBeforeSpringForward_WaitsForTheBstOpening()
    {
        // Friday 27 March 2026; the next window is Tuesday 31 March 22:00 BST, 21:00 UTC.
        ChangeFixture f = Approved(through: "TEST");

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Integrator, "STAGE"), At(27, 12));

        Assert.Equal(At(31, 21), f.State.WaitingUntil);
        Assert.Equal(At(31, 23), f.State.WindowCloses);
        Assert.Equal("[hub #7] Change map-portal 2.4.1: STAGE waits until Tue 2026-03-31 22:00 Europe/London (2026-03-31 21:00 UTC)", Assert.Single(Mails(d)).Subject);
    }

    [Fact]
    public void RequestPromotion_ByTheHub_SystemAccess()
    {
        ChangeFixture f = Approved();

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(TheHub, "DEV"), T0.AddHours(1));

        Assert.Equal(ChangeRule.SystemAccess, refusal.Rule);
    }

    [Fact]
    public void Events_EmergencyChangeScheduled_FlaggedInTheCalendar()
    {
        ChangeFixture f = Approved(through: "TEST", kind: ChangeKind.Emergency);
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));

        IReadOnlyList<CalendarEvent> events = ChangeCalendar.Events("map-portal", ChangeDecider.WindowsOf(f.State), [f.State], At(3, 0), At(4, 0));

        Assert.Equal("[EMERGENCY] Change #7 map-portal 2.4.1 to STAGE", events.Single(e => e.Uid == "change-7-STAGE@hub").Summary);
    }
}
