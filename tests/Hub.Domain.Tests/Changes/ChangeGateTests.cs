using Hub.Domain.Changes;
using Hub.Domain.Durable;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

public sealed class ChangeGateTests
{
    [Fact]
    public void DecideGate_PipelineApproves_Ready()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);

        Decision<ChangeEvent> d = f.Run(new DecideGate(Pipeline, true, "Fits the Q1 plan."), T0.AddMinutes(30));

        Assert.Equal(ChangeProgress.Ready, f.State.Progress);
        Assert.Equal(("pp-pat", "Fits the Q1 plan."), (f.State.GateDecidedBy, f.State.GateReason));
        Assert.Equal("[hub #7] Change map-portal 2.4.1: approved by pipeline planning", Assert.Single(Mails(d)).Subject);
    }

    [Fact]
    public void DecideGate_PipelineDeclines_ClosedAndPromotionRefused()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);

        f.Run(new DecideGate(Pipeline, false, "Clashes with the data-centre move."), T0.AddMinutes(30));
        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        Assert.Equal(ChangeProgress.Declined, f.State.Progress);
        Assert.Equal(T0.AddMinutes(30), f.State.ClosedAt);
        Assert.Equal(ChangeRule.Closed, refusal.Rule);
        Assert.Equal("Change #7 is closed (Declined: Clashes with the data-centre move.).", refusal.Message);
    }

    [Fact]
    public void DecideGate_NotPipeline_PipelineOnly()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);

        ChangeRefusal refusal = f.Refuse(new DecideGate(Integrator, true, "Looks fine."), T0.AddMinutes(30));

        Assert.Equal((ChangeRule.PipelineOnly, "Only isda-pipeline decides the pipeline-planning gate; si-ian is not in it."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void DecideGate_NoReason_Refused()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);

        ChangeRefusal refusal = f.Refuse(new DecideGate(Pipeline, false, " "), T0.AddMinutes(30));

        Assert.Equal((ChangeRule.InvalidField, "reason"), (refusal.Rule, refusal.Field));
    }

    [Theory]
    [InlineData(ChangeKind.Emergency, "An emergency change skips")]
    [InlineData(ChangeKind.Fix, "A short-term fix skips")]
    public void DecideGate_KindWithoutGate_GateNotRequired(ChangeKind kind, string start)
    {
        var f = new ChangeFixture();
        f.Run(Open(kind), T0);

        ChangeRefusal refusal = f.Refuse(new DecideGate(Pipeline, true, "ok"), T0.AddMinutes(30));

        Assert.Equal(ChangeRule.GateNotRequired, refusal.Rule);
        Assert.StartsWith(start, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecideGate_AlreadyApproved_GateDecided()
    {
        ChangeFixture f = Approved();

        ChangeRefusal refusal = f.Refuse(new DecideGate(Pipeline, false, "Changed my mind."), T0.AddHours(1));

        Assert.Equal((ChangeRule.GateDecided, "The pipeline-planning gate of change #7 was decided by pp-pat: Fits the Q1 plan."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RequestPromotion_AwaitingGate_AwaitingGate()
    {
        var f = new ChangeFixture();
        f.Run(Open(ChangeKind.NewSystem), T0);

        ChangeRefusal refusal = f.Refuse(new RequestPromotion(Developer, "DEV"), T0.AddMinutes(5));

        Assert.Equal((ChangeRule.AwaitingGate, "A new system is promoted once isda-pipeline approves it; change #7 waits at the pipeline-planning gate."), (refusal.Rule, refusal.Message));
    }

    [Fact]
    public void RequestPromotion_EmergencyWithoutGate_StartsOnDev()
    {
        var f = new ChangeFixture();
        f.Run(Open(ChangeKind.Emergency), T0);

        Decision<ChangeEvent> d = f.Run(new RequestPromotion(Developer, "DEV"), T0.AddMinutes(5));

        Assert.Equal("Installing DEV", f.State.Name);
        Assert.Equal("[hub #7] [EMERGENCY] Change map-portal 2.4.1: installing on DEV", Assert.Single(Mails(d)).Subject);
    }

    [Fact]
    public void CancelChange_Requester_Cancelled()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);

        f.Run(new CancelChange(Requester, "Superseded by #9."), T0.AddMinutes(5));

        Assert.Equal(ChangeProgress.Cancelled, f.State.Progress);
        Assert.True(f.State.IsClosed);
    }

    [Fact]
    public void CancelChange_SomeOtherDeveloper_CancelNotAllowed()
    {
        var f = new ChangeFixture();
        f.Run(Open(), T0);

        ChangeRefusal refusal = f.Refuse(new CancelChange(Developer, "Not needed."), T0.AddMinutes(5));

        Assert.Equal(ChangeRule.CancelNotAllowed, refusal.Rule);
    }

    [Fact]
    public void CancelChange_WhileInstalling_InProgress()
    {
        ChangeFixture f = Approved();
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddHours(1));

        ChangeRefusal refusal = f.Refuse(new CancelChange(Requester, "Not needed."), T0.AddHours(2));

        Assert.Equal(ChangeRule.InProgress, refusal.Rule);
    }

    [Fact]
    public void CancelChange_Completed_CancelNotAllowed()
    {
        ChangeFixture f = Approved(through: "PROD");

        ChangeRefusal refusal = f.Refuse(new CancelChange(Integrator, "Oops."), At(4, 9));

        Assert.Equal((ChangeRule.CancelNotAllowed, "Change #7 is installed on every tier; roll it back instead of cancelling it."), (refusal.Rule, refusal.Message));
    }
}
