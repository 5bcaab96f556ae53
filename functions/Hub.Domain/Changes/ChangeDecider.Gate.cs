namespace Hub.Domain.Changes;

// The pipeline-planning gate, and withdrawing a change before it finishes.
public sealed partial class ChangeDecider
{
    private ChangeVerdict Gate(ChangeState state, DecideGate c, DateTimeOffset now)
    {
        if (state.IsClosed)
        {
            return Closed(state);
        }

        if (!state.GateRequired)
        {
            return ChangeVerdict.Refuse(ChangeRule.GateNotRequired, "approve", $"{Sentence(Describe(state.Kind))} skips the pipeline-planning gate; change #{state.Number} has none to decide.");
        }

        if (state.Progress != ChangeProgress.AwaitingPipeline)
        {
            return ChangeVerdict.Refuse(ChangeRule.GateDecided, "approve", $"The pipeline-planning gate of change #{state.Number} was decided by {state.GateDecidedBy}: {state.GateReason}");
        }

        if (!c.Actor.IsIn(ChangeTeam.PipelinePlanning))
        {
            return ChangeVerdict.Refuse(ChangeRule.PipelineOnly, "actor", $"Only isda-pipeline decides the pipeline-planning gate; {c.Actor.Name} is not in it.");
        }

        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            return ChangeVerdict.Refuse(ChangeRule.InvalidField, "reason", "reason: required: say why the change is approved or declined.");
        }

        var decided = new GateDecided(c.Approve, c.Reason.Trim(), c.Actor.Name, now);
        ChangeState after = Evolve(state, decided);
        string body = c.Approve
            ? $"isda-pipeline ({c.Actor.Name}) approved the change: {decided.Reason}\n\nIt may be promoted to {after.Service!.Tiers[0].Name}."
            : $"isda-pipeline ({c.Actor.Name}) declined the change: {decided.Reason}";
        return Accept([decided], [Notify(after, c.Approve ? "approved by pipeline planning" : "declined by pipeline planning", body)]);
    }

    private ChangeVerdict Cancel(ChangeState state, CancelChange c, DateTimeOffset now)
    {
        if (state.IsClosed)
        {
            return Closed(state);
        }

        if (state.Progress == ChangeProgress.Completed)
        {
            return ChangeVerdict.Refuse(ChangeRule.CancelNotAllowed, "id", $"Change #{state.Number} is installed on every tier; roll it back instead of cancelling it.");
        }

        if (state.Progress is ChangeProgress.Installing or ChangeProgress.RollingBack)
        {
            return ChangeVerdict.Refuse(ChangeRule.InProgress, "id", $"Change #{state.Number} is {state.Name}; wait for the outcome before cancelling it.");
        }

        bool allowed = c.Actor.Name.Equals(state.Requester, StringComparison.OrdinalIgnoreCase)
            || c.Actor.IsIn(ChangeTeam.SystemIntegrator) || c.Actor.IsIn(ChangeTeam.PipelinePlanning);
        if (!allowed)
        {
            return ChangeVerdict.Refuse(ChangeRule.CancelNotAllowed, "actor", $"A change is cancelled by its requester ({state.Requester}), a system integrator or isda-pipeline; {c.Actor.Name} is none of them.");
        }

        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            return ChangeVerdict.Refuse(ChangeRule.InvalidField, "reason", "reason: required: say why the change is cancelled.");
        }

        var cancelled = new ChangeCancelled(c.Reason.Trim(), c.Actor.Name, now);
        ChangeState after = Evolve(state, cancelled);
        IReadOnlyList<string> timers = state.Progress == ChangeProgress.WaitingForWindow ? [WindowOpenTimer] : [];
        return Accept([cancelled], [Notify(after, "cancelled", $"{c.Actor.Name} cancelled the change: {cancelled.Reason}")], cancel: timers);
    }

    private static ChangeVerdict Closed(ChangeState state) =>
        ChangeVerdict.Refuse(ChangeRule.Closed, "id", $"Change #{state.Number} is closed ({state.Progress}{(state.CloseReason is null ? "" : $": {state.CloseReason}")}).");
}
