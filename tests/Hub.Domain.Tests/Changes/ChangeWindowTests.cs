using Hub.Domain.Changes;
using Hub.Domain.Durable;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

// The fixture's windows: Tuesdays and Thursdays 22:00-24:00 London time (GMT, so UTC, in early March 2026).
public sealed class ChangeWindowTests
{
    [Fact]
    public void RequestPromotion_StageOutsideWindow_WaitsForTheNextOpening()
    {
        ChangeFixture f = Approved(through: "TEST");

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));

        Assert.Equal("WaitingForWindow STAGE", f.State.Name);
        Assert.Equal(At(3, 22), f.State.WaitingUntil);
        Assert.Equal(At(4, 0), f.State.WindowCloses);
        Assert.Equal([new TimerRequest(ChangeDecider.WindowOpenTimer, At(3, 22), "STAGE")], d.Timers);
        Assert.Empty(Installs(d));
        Assert.Equal("[hub #7] Change map-portal 2.4.1: STAGE waits until Tue 2026-03-03 22:00 Europe/London (2026-03-03 22:00 UTC)", Assert.Single(Mails(d)).Subject);
    }

    [Fact]
    public void WindowOpened_Due_StartsTheInstallation()
    {
        ChangeFixture f = Approved(through: "TEST");
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));

        Decision<ChangeEvent> d = f.Run(new WindowOpened(TheHub, "STAGE", At(3, 22)), At(3, 22));

        Assert.Equal("Installing STAGE", f.State.Name);
        Assert.Equal("STAGE", Assert.Single(Installs(d)).Tier);
        Assert.Equal([new TimerRequest(ChangeDecider.WindowCloseTimer, At(4, 0), "STAGE")], d.Timers);
        Assert.Equal("si-ian", f.State.Tiers[^1].ApprovedBy);
        Assert.Equal(At(3, 22), f.State.Tiers[^1].StartedAt);
    }

    [Fact]
    public void RequestPromotion_WindowOpen_StartsAtOnceWithACloseTimer()
    {
        ChangeFixture f = Approved(through: "TEST");

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 23));

        Assert.Equal("Installing STAGE", f.State.Name);
        Assert.Equal([new TimerRequest(ChangeDecider.WindowCloseTimer, At(4, 0), "STAGE")], d.Timers);
    }

    [Fact]
    public void WindowOpened_TimerLateAndWindowShut_WaitsForTheFollowingOne()
    {
        ChangeFixture f = Approved(through: "TEST");
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));

        Decision<ChangeEvent> d = f.Run(new WindowOpened(TheHub, "STAGE", At(3, 22)), At(4, 0, 5));

        Assert.Equal("WaitingForWindow STAGE", f.State.Name);
        Assert.Equal(At(5, 22), f.State.WaitingUntil);
        Assert.Equal([new TimerRequest(ChangeDecider.WindowOpenTimer, At(5, 22), "STAGE")], d.Timers);
    }

    [Fact]
    public void WindowOpened_NotWaiting_DoesNothing()
    {
        ChangeFixture f = Approved(through: "TEST");

        Decision<ChangeEvent> d = f.Run(new WindowOpened(TheHub, "STAGE", At(3, 22)), At(3, 22));

        Assert.Empty(d.Events);
        Assert.Equal("Installed TEST", f.State.Name);
    }

    [Fact]
    public void WindowClosed_InstallationStillRunning_IsRecordedAndReported()
    {
        ChangeFixture f = Approved(through: "TEST");
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 23, 30));

        Decision<ChangeEvent> d = f.Run(new WindowClosed(TheHub, "STAGE", At(4, 0)), At(4, 0));

        Assert.IsType<WindowClosedMidChange>(Assert.Single(d.Events));
        Assert.Equal(At(4, 0), f.State.Tiers[^1].WindowClosedAt);
        Assert.Equal("Installing STAGE", f.State.Name);
        Assert.Equal("[hub #7] Change map-portal 2.4.1: release window closed during the STAGE installation", Assert.Single(Mails(d)).Subject);
    }

    [Fact]
    public void WindowClosed_AfterTheOutcome_DoesNothing()
    {
        ChangeFixture f = Approved(through: "STAGE");

        Decision<ChangeEvent> d = f.Run(new WindowClosed(TheHub, "STAGE", At(4, 0)), At(4, 0));

        Assert.Empty(d.Events);
    }

    [Fact]
    public void RecordInstallation_InWindow_CancelsTheCloseTimer()
    {
        ChangeFixture f = Approved(through: "TEST");
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 23));

        Decision<ChangeEvent> d = f.Run(new RecordInstallation(TheHub, "STAGE", true), At(3, 23, 20));

        Assert.Equal([ChangeDecider.WindowCloseTimer], d.CancelTimers);
    }

    [Fact]
    public void RequestPromotion_NoWindowEver_NoReleaseWindow()
    {
        ChangeFixture f = Approved(through: "TEST", service: Service with { Windows = [] });

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Integrator, "STAGE"), At(3, 23));

        Assert.Equal(ChangeRule.NoReleaseWindow, refusal.Rule);
        Assert.Equal(
            "STAGE changes happen only inside a release window, and no window of map-portal opens after Tue 2026-03-03 23:00 Europe/London (2026-03-03 23:00 UTC); negotiate one (a weekly window or a one-off slot).",
            refusal.Message);
    }

    [Fact]
    public void RequestPromotion_EmergencyWithOneOffSlot_StartsInTheSlot()
    {
        ChangeService service = Service with { Slots = [new OneOffSlot(At(3, 13), At(3, 14), "Emergency slot")] };
        ChangeFixture f = Approved(through: "TEST", service: service, kind: ChangeKind.Emergency);

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 12));

        Assert.Equal(At(3, 13), f.State.WaitingUntil);
        Assert.Equal(At(3, 14), f.State.WindowCloses);
        Assert.StartsWith("[hub #7] [EMERGENCY] ", Assert.Single(Mails(d)).Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestPromotion_DevelopmentTier_IgnoresWindows()
    {
        ChangeFixture f = Approved(service: Service with { Windows = [] });

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Developer, "DEV"), At(3, 12));

        Assert.Equal("Installing DEV", f.State.Name);
        Assert.Empty(d.Timers);
    }

    [Fact]
    public void CancelChange_WaitingForWindow_CancelsTheTimer()
    {
        ChangeFixture f = Approved(through: "TEST");
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));

        Decision<ChangeEvent> d = f.Run(new CancelChange(Integrator, "Business freeze."), At(3, 21, 59).AddSeconds(30));

        Assert.Equal([ChangeDecider.WindowOpenTimer], d.CancelTimers);
        Assert.Equal(ChangeProgress.Cancelled, f.State.Progress);
    }

    [Fact]
    public void WithdrawBuild_WhileProductionWaits_AbandonsThePromotion()
    {
        ChangeFixture f = Approved(through: "STAGE");
        f.Run(new RequestPromotion(Integrator, "PROD"), At(4, 9));

        Decision<ChangeEvent> d = f.Run(new WithdrawBuild(Integrator, "Memory leak found on STAGE."), At(4, 10));

        Assert.Equal("Installed STAGE", f.State.Name);
        Assert.Equal([ChangeDecider.WindowOpenTimer], d.CancelTimers);
        Assert.Equal("abandoned: the build was withdrawn", f.State.Tiers[^1].Detail);
    }

    [Theory]
    [InlineData(ChangeDecider.WindowOpenTimer, typeof(WindowOpened))]
    [InlineData(ChangeDecider.WindowCloseTimer, typeof(WindowClosed))]
    public void OnTimer_KnownTimer_MapsToItsCommand(string name, Type command)
    {
        var f = new ChangeFixture();

        Result<ChangeCommand> mapped = f.Decider.OnTimer(ChangeState.None, new TimerFired(name, "STAGE", At(3, 22)));

        Assert.IsType(command, mapped.Value);
    }

    [Fact]
    public void OnTimer_UnknownTimer_Refused()
    {
        var f = new ChangeFixture();

        Result<ChangeCommand> mapped = f.Decider.OnTimer(ChangeState.None, new TimerFired("deadline", "", At(3, 22)));

        Assert.Equal("Changes know no timer 'deadline'.", mapped.Reason);
    }
}
