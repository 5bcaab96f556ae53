using Hub.Domain.Changes;
using Hub.Domain.Durable;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

public sealed class ChangePromotionTests
{
    private static readonly ChangeService Edinburgh = Service with
    {
        Tiers = [new("DEV", TierRole.Development), new("TEST", TierRole.Development), new("TRN", TierRole.Training), new("LIVE", TierRole.Production)],
    };

    [Fact]
    public void RequestPromotion_DeveloperToDev_InstallsThroughTheAgent()
    {
        ChangeFixture f = Approved();

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        Assert.Equal("Installing DEV", f.State.Name);
        ChangeInstallation install = Assert.Single(Installs(d));
        Assert.Equal(new ChangeInstallation(7, "map-portal", "DEV", "2.4.1", Build, Manual: false, Rollback: false), install);
        Assert.Empty(d.Timers);
        Assert.Null(f.State.Tag);
    }

    [Fact]
    public void RequestPromotion_EnteringTest_RecordsTheReleaseTag()
    {
        ChangeFixture f = Approved(through: "DEV");

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Developer, "test"), At(3, 11));

        Assert.Equal("Release-2.4.1-20260303", f.State.Tag);
        Assert.Equal("Installing TEST", f.State.Name);
        Assert.Contains("Tag: Release-2.4.1-20260303", Assert.Single(Mails(d)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestPromotion_EnteringTestWithoutVersion_TagIsReleaseDate()
    {
        var f = new ChangeFixture();
        f.Run(Open(ChangeKind.Fix, version: null), T0);
        f.Run(new RequestPromotion(Developer, "DEV"), T0);
        f.Run(new RecordInstallation(TheHub, "DEV", true), T0.AddMinutes(5));

        f.Run(new RequestPromotion(Developer, "TEST"), T0.AddMinutes(10));

        Assert.Equal("Release-20260303", f.State.Tag);
    }

    [Fact]
    public void RequestPromotion_TagDate_IsTheServicesLocalDate()
    {
        // 02:30 UTC on Wednesday 4 March is 21:30 EST on Tuesday 3 March.
        var f = new ChangeFixture();
        f.Run(Open(ChangeKind.Fix, service: Service with { TimeZone = "America/New_York" }), T0);
        f.Run(new RequestPromotion(Developer, "DEV"), T0);
        f.Run(new RecordInstallation(TheHub, "DEV", true), T0.AddMinutes(5));

        f.Run(new RequestPromotion(Developer, "TEST"), At(4, 2, 30));

        Assert.Equal("Release-2.4.1-20260303", f.State.Tag);
    }

    [Fact]
    public void RequestPromotion_SkippingTest_TierOrderNamesBothTiers()
    {
        ChangeFixture f = Approved(through: "DEV");

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Integrator, "STAGE"), At(3, 22, 30));

        Assert.Equal(ChangeRule.TierOrder, refusal.Rule);
        Assert.Equal("Tiers are passed in the order DEV -> TEST -> STAGE -> PROD, never skipping one: promoting to STAGE would skip TEST (change #7 is installed on DEV).", refusal.Message);
    }

    [Fact]
    public void RequestPromotion_FirstTierSkipped_TierOrder()
    {
        ChangeFixture f = Approved();

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "TEST"), T0.AddHours(1));

        Assert.Equal("Tiers are passed in the order DEV -> TEST -> STAGE -> PROD, never skipping one: promoting to TEST would skip DEV (change #7 is installed on no tier yet).", refusal.Message);
    }

    [Fact]
    public void RequestPromotion_BackToAPassedTier_TierOrder()
    {
        ChangeFixture f = Approved(through: "TEST");

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "DEV"), At(3, 12));

        Assert.Equal((ChangeRule.TierOrder, "Tiers are passed in the order DEV -> TEST -> STAGE -> PROD: change #7 is installed on TEST, already past DEV."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RequestPromotion_AfterTheLastTier_TierOrder()
    {
        ChangeFixture f = Approved(through: "PROD");

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Integrator, "PROD"), At(5, 22, 30));

        Assert.Equal("Change #7 is installed on every tier (DEV -> TEST -> STAGE -> PROD); there is no tier left to promote to.", refusal.Message);
    }

    [Fact]
    public void RequestPromotion_UnknownTier_UnknownTier()
    {
        ChangeFixture f = Approved();

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "QA"), T0.AddHours(1));

        Assert.Equal((ChangeRule.UnknownTier, "tier", "tier: 'QA' is not one of map-portal's tiers (DEV -> TEST -> STAGE -> PROD)."), (refusal.Rule, refusal.Field, refusal.Message));
    }

    [Fact]
    public void RequestPromotion_DeveloperToStage_SystemAccess()
    {
        ChangeFixture f = Approved(through: "TEST");

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "STAGE"), At(3, 22, 30));

        Assert.Equal((ChangeRule.SystemAccess, "actor"), (refusal.Rule, refusal.Field));
        Assert.Equal("System access rules: developers deploy to development tiers (DEV, TEST) only; STAGE is Staging and needs a system integrator; dev-eve acts as Developer.", refusal.Message);
    }

    [Fact]
    public void RequestPromotion_DeveloperToTraining_SystemAccess()
    {
        ChangeFixture f = Approved(through: "TEST", service: Edinburgh);

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "TRN"), At(3, 22, 30));

        Assert.Equal("System access rules: developers deploy to development tiers (DEV, TEST) only; TRN is Training and needs a system integrator; dev-eve acts as Developer.", refusal.Message);
    }

    [Fact]
    public void RequestPromotion_PipelineMemberToDev_SystemAccess()
    {
        ChangeFixture f = Approved();

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Pipeline, "DEV"), T0.AddHours(1));

        Assert.Equal(ChangeRule.SystemAccess, refusal.Rule);
    }

    [Fact]
    public void RequestPromotion_IntegratorToDev_Allowed()
    {
        ChangeFixture f = Approved();

        f.Run(new RequestPromotion(Integrator, "DEV"), T0.AddHours(1));

        Assert.Equal("Installing DEV", f.State.Name);
    }

    [Fact]
    public void RequestPromotion_WhileInstalling_InProgress()
    {
        ChangeFixture f = Approved();
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "DEV"), T0.AddHours(2));

        Assert.Equal((ChangeRule.InProgress, "Change #7 is Installing DEV; promote again once that is over."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RequestPromotion_ProductionApproval_RecordsTheProdBranch()
    {
        ChangeFixture f = Approved(through: "STAGE");

        f.Run(new RequestPromotion(Integrator, "PROD"), At(5, 22, 15));

        Assert.Equal("PROD-2.4.1-20260305", f.State.Branch);
        Assert.Equal("Release-2.4.1-20260303", f.State.Tag);
    }

    [Fact]
    public void RequestPromotion_ProductionUnvetted_UnvettedBuild()
    {
        ChangeFixture f = Approved(through: "STAGE");
        f.Run(new WithdrawBuild(Integrator, "Memory leak found on STAGE."), At(4, 9));

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Integrator, "PROD"), At(5, 22, 15));

        Assert.Equal(ChangeRule.UnvettedBuild, refusal.Rule);
        Assert.Equal("PROD takes only a build STAGE vetted; the build of change #7 is not vetted (a successful STAGE installation vets it; a withdrawal or rollback revokes it).", refusal.Message);
        Assert.Null(f.State.Branch);
    }

    [Fact]
    public void RequestPromotion_LiveWithoutStage_TrainingVetsTheBuild()
    {
        ChangeFixture f = Approved(through: "TRN", service: Edinburgh);

        f.Run(new RequestPromotion(Integrator, "LIVE"), At(5, 22, 15));

        Assert.True(f.State.Vetted);
        Assert.Equal("PROD-2.4.1-20260305", f.State.Branch);
        Assert.Equal("Installing LIVE", f.State.Name);
    }

    [Fact]
    public void RequestPromotion_AfterFailure_RetriesTheSameTier()
    {
        ChangeFixture f = Approved();
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));
        f.Run(new RecordInstallation(TheHub, "DEV", false, Detail: "disk full"), T0.AddHours(2));

        ChangeRefusal skip = f.Refuse(new RequestPromotion(Developer, "TEST"), T0.AddHours(3));
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(3));

        Assert.Equal("Tiers are passed in the order DEV -> TEST -> STAGE -> PROD, never skipping one: promoting to TEST would skip DEV (change #7 is installed on no tier yet).", skip.Message);
        Assert.Equal("Installing DEV", f.State.Name);
        Assert.Equal(2, f.State.Tiers.Count(t => t.Tier == "DEV"));
    }
}
