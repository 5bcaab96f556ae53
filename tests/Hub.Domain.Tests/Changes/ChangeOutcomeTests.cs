using Hub.Domain.Changes;
using Hub.Domain.Durable;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

public sealed class ChangeOutcomeTests
{
    private static readonly ChangeService Manual = Service with { HasAgent = false };

    [Fact]
    public void RecordInstallation_StageSucceeds_VetsTheBuildInTheLibrary()
    {
        ChangeFixture f = Approved(through: "TEST");
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 22, 30));

        Decision<ChangeEvent> d = f.Run(new RecordInstallation(TheHub, "STAGE", true, Detail: "agent: ok"), At(3, 22, 40));

        Assert.True(f.State.Vetted);
        Assert.Equal(At(3, 22, 40), f.State.VettedAt);
        LibraryUpdate update = Assert.Single(Library(d));
        Assert.Equal("map-portal-bin-stable-002.004", update.Loadset.ToString());
        Assert.Equal(("map-portal", 7L), (update.Service, update.Change));
    }

    [Fact]
    public void RecordInstallation_TestSucceeds_DoesNotVet()
    {
        ChangeFixture f = Approved(through: "DEV");
        f.Run(new RequestPromotion(Developer, "TEST"), At(3, 12));

        Decision<ChangeEvent> d = f.Run(new RecordInstallation(TheHub, "TEST", true), At(3, 12, 10));

        Assert.False(f.State.Vetted);
        Assert.Empty(Library(d));
        Assert.Equal("Installed TEST", f.State.Name);
    }

    [Fact]
    public void RecordInstallation_Fails_FailedAndNotVetted()
    {
        ChangeFixture f = Approved(through: "TEST");
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 22, 30));

        Decision<ChangeEvent> d = f.Run(new RecordInstallation(TheHub, "STAGE", false, Detail: "configure step exited 2"), At(3, 22, 40));

        Assert.Equal("Failed STAGE", f.State.Name);
        Assert.False(f.State.Vetted);
        Assert.Empty(Library(d));
        Assert.Equal("[hub #7] Change map-portal 2.4.1: installation on STAGE FAILED", Assert.Single(Mails(d)).Subject);
    }

    [Fact]
    public void RecordInstallation_LastTier_Completed()
    {
        ChangeFixture f = Approved(through: "STAGE");
        f.Run(new RequestPromotion(Integrator, "PROD"), At(5, 22, 15));

        f.Run(new RecordInstallation(TheHub, "PROD", true), At(5, 23));

        Assert.Equal("Completed PROD", f.State.Name);
        Assert.False(f.State.IsClosed);
    }

    [Fact]
    public void RecordInstallation_PersonOnAgentService_AgentReports()
    {
        ChangeFixture f = Approved();
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        ChangeRefusal refusal = f.Refuse(new RecordInstallation(Developer, "DEV", true, Evidence: "looked fine"), T0.AddHours(2));

        Assert.Equal((ChangeRule.AgentReports, "map-portal's agent reports the outcome of its installations; a person records only manual ones."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RecordInstallation_NothingRunning_NoInstallation()
    {
        ChangeFixture f = Approved(through: "DEV");

        ChangeRefusal refusal = f.Refuse(new RecordInstallation(TheHub, "DEV", true), At(3, 12));

        Assert.Equal((ChangeRule.NoInstallation, "No installation of change #7 is running on DEV; the change is Installed DEV."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RecordInstallation_OtherTier_NoInstallation()
    {
        ChangeFixture f = Approved();
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        ChangeRefusal refusal = f.Refuse(new RecordInstallation(TheHub, "TEST", true), T0.AddHours(2));

        Assert.Equal(ChangeRule.NoInstallation, refusal.Rule);
    }

    [Fact]
    public void RequestPromotion_ServiceWithoutAgent_AsksForAManualInstallation()
    {
        ChangeFixture f = Approved(service: Manual);

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        Assert.True(Assert.Single(Installs(d)).Manual);
        Assert.Contains("map-portal has no agent: install it by hand on DEV and record the outcome with its evidence.", Assert.Single(Mails(d)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordInstallation_ManualWithoutEvidence_EvidenceRequired()
    {
        ChangeFixture f = Approved(service: Manual);
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        ChangeRefusal refusal = f.Refuse(new RecordInstallation(Developer, "DEV", true), T0.AddHours(2));

        Assert.Equal((ChangeRule.EvidenceRequired, "evidence"), (refusal.Rule, refusal.Field));
    }

    [Fact]
    public void RecordInstallation_ManualOnStageByDeveloper_SystemAccess()
    {
        ChangeFixture f = Approved(through: "TEST", service: Manual);
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 22, 30));

        ChangeRefusal refusal = f.Refuse(new RecordInstallation(Developer, "STAGE", true, Evidence: "https://wiki.example.org/runsheet/7"), At(3, 23));

        Assert.Equal(ChangeRule.SystemAccess, refusal.Rule);
        Assert.Equal("System access rules: a manual installation on STAGE (Staging) is recorded by a system integrator; dev-eve is neither.", refusal.Message);
    }

    [Fact]
    public void RecordInstallation_ManualWithEvidence_RecordedWithIt()
    {
        ChangeFixture f = Approved(through: "TEST", service: Manual);
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 22, 30));

        f.Run(new RecordInstallation(Integrator, "STAGE", true, Evidence: "https://wiki.example.org/runsheet/7"), At(3, 23));

        TierProgress stage = f.State.Tiers[^1];
        Assert.Equal(("STAGE", true, true, "https://wiki.example.org/runsheet/7"), (stage.Tier, stage.Manual, stage.Succeeded == true, stage.Evidence));
        Assert.True(f.State.Vetted);
    }

    [Fact]
    public void WithdrawBuild_NotVetted_NotVetted()
    {
        ChangeFixture f = Approved(through: "TEST");

        ChangeRefusal refusal = f.Refuse(new WithdrawBuild(Integrator, "Bad."), At(3, 12));

        Assert.Equal(ChangeRule.NotVetted, refusal.Rule);
    }

    [Fact]
    public void WithdrawBuild_Developer_SystemAccess()
    {
        ChangeFixture f = Approved(through: "STAGE");

        ChangeRefusal refusal = f.Refuse(new WithdrawBuild(Developer, "Bad."), At(4, 9));

        Assert.Equal(ChangeRule.SystemAccess, refusal.Rule);
    }

    [Fact]
    public void WithdrawBuild_Vetted_MarksItStaleInTheLibrary()
    {
        ChangeFixture f = Approved(through: "STAGE");

        Decision<ChangeEvent> d = f.Run(new WithdrawBuild(Integrator, "Memory leak found on STAGE."), At(4, 9));

        Assert.False(f.State.Vetted);
        Assert.Equal("map-portal-bin-stale-002.004", Assert.Single(Library(d)).Loadset.ToString());
    }
}
