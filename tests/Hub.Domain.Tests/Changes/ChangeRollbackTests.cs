using Hub.Domain.Changes;
using Hub.Domain.Durable;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

public sealed class ChangeRollbackTests
{
    [Fact]
    public void RequestRollback_CompletedChange_RestoresLastKnownGoodAndWithdrawsTheBuild()
    {
        ChangeFixture f = Approved(through: "PROD");

        Decision<ChangeEvent> d = f.Run(new RequestRollback(Integrator, "Search times out under load.", PreviousGood), At(4, 9));

        Assert.Equal("RollingBack PROD", f.State.Name);
        Assert.Equal(new ChangeInstallation(7, "map-portal", "PROD", "2.4.1", PreviousGood, Manual: false, Rollback: true), Assert.Single(Installs(d)));
        Assert.Equal("map-portal-bin-stale-002.004", Assert.Single(Library(d)).Loadset.ToString());
        Assert.False(f.State.Vetted);
        Assert.Empty(d.Timers);
    }

    [Fact]
    public void RecordInstallation_RollbackSucceeds_RolledBackAndClosed()
    {
        ChangeFixture f = Approved(through: "PROD");
        f.Run(new RequestRollback(Integrator, "Search times out under load.", PreviousGood), At(4, 9));

        f.Run(new RecordInstallation(TheHub, "PROD", true), At(4, 9, 20));

        Assert.Equal("RolledBack PROD", f.State.Name);
        Assert.True(f.State.IsClosed);
        Assert.Equal(At(4, 9, 20), f.State.ClosedAt);
        Assert.Equal("last-known-good map-portal-bin-stable-002.003 restored on PROD", f.State.CloseReason);
    }

    [Fact]
    public void RecordInstallation_RollbackFails_FailedAndOnlyTheRollbackMayBeRetried()
    {
        ChangeFixture f = Approved(through: "STAGE");
        f.Run(new RequestRollback(Integrator, "Wrong config.", PreviousGood), At(4, 9));

        f.Run(new RecordInstallation(TheHub, "STAGE", false, Detail: "node 2 unreachable"), At(4, 9, 20));
        ChangeRefusal promote = f.Refuse(new RequestPromotion(Integrator, "PROD"), At(4, 9, 30));
        f.Run(new RequestRollback(Integrator, "Wrong config, again.", PreviousGood), At(4, 10));

        Assert.Equal((ChangeRule.InProgress, "Change #7 started a rollback on STAGE; retry the rollback or cancel the change."), (promote.Rule, promote.Message));
        Assert.Equal("RollingBack STAGE", f.State.Name);
    }

    [Fact]
    public void RequestRollback_DeveloperOnProduction_SystemAccess()
    {
        ChangeFixture f = Approved(through: "PROD");

        ChangeRefusal refusal = f.Refuse(new RequestRollback(Developer, "Broken.", PreviousGood), At(4, 9));

        Assert.Equal("System access rules: a rollback on PROD (Production) is made by a system integrator; dev-eve is neither.", refusal.Message);
    }

    [Fact]
    public void RequestRollback_DeveloperOnTest_Allowed()
    {
        ChangeFixture f = Approved(through: "TEST");

        f.Run(new RequestRollback(Developer, "Broken.", PreviousGood), At(3, 12));

        Assert.Equal("RollingBack TEST", f.State.Name);
    }

    [Fact]
    public void RequestRollback_NoLastKnownGood_NoLastKnownGood()
    {
        ChangeFixture f = Approved(through: "PROD");

        ChangeRefusal refusal = f.Refuse(new RequestRollback(Integrator, "Broken.", null), At(4, 9));

        Assert.Equal((ChangeRule.NoLastKnownGood, "The definitive software library has no last-known-good build of map-portal to restore."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RequestRollback_LastKnownGoodIsThisBuild_NoLastKnownGood()
    {
        ChangeFixture f = Approved(through: "PROD");

        ChangeRefusal refusal = f.Refuse(new RequestRollback(Integrator, "Broken.", Build.As(LoadsetStatus.Stable)), At(4, 9));

        Assert.Equal(ChangeRule.NoLastKnownGood, refusal.Rule);
        Assert.Equal("The library's last-known-good of map-portal is this change's own build (map-portal-bin-stable-002.004); withdraw it first so an earlier stable build becomes current.", refusal.Message);
    }

    [Fact]
    public void RequestRollback_DevLoadset_InvalidField()
    {
        ChangeFixture f = Approved(through: "PROD");

        ChangeRefusal refusal = f.Refuse(new RequestRollback(Integrator, "Broken.", PreviousGood.As(LoadsetStatus.Dev)), At(4, 9));

        Assert.Equal((ChangeRule.InvalidField, "lastKnownGood"), (refusal.Rule, refusal.Field));
    }

    [Fact]
    public void RequestRollback_NothingInstalled_NothingToRollBack()
    {
        ChangeFixture f = Approved();

        ChangeRefusal refusal = f.Refuse(new RequestRollback(Integrator, "Broken.", PreviousGood), At(3, 12));

        Assert.Equal((ChangeRule.NothingToRollBack, "Change #7 has installed nothing yet (Ready); there is nothing to roll back."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RequestRollback_WhileInstalling_InProgress()
    {
        ChangeFixture f = Approved();
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        ChangeRefusal refusal = f.Refuse(new RequestRollback(Integrator, "Broken.", PreviousGood), T0.AddHours(2));

        Assert.Equal(ChangeRule.InProgress, refusal.Rule);
    }

    [Fact]
    public void RequestRollback_NoReason_InvalidField()
    {
        ChangeFixture f = Approved(through: "PROD");

        ChangeRefusal refusal = f.Refuse(new RequestRollback(Integrator, "", PreviousGood), At(4, 9));

        Assert.Equal((ChangeRule.InvalidField, "reason"), (refusal.Rule, refusal.Field));
    }
}
