namespace Hub.Domain.Changes;

// The fold: every event is a fact Decide already validated, so Evolve never refuses.
public sealed partial class ChangeDecider
{
    public ChangeState Evolve(ChangeState state, ChangeEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        ChangeState next = @event switch
        {
            ChangeOpened e => ChangeState.None with
            {
                Number = e.Number, Service = e.Service, Version = e.Version, Kind = e.Kind, Summary = e.Summary, Build = e.Build, Requester = e.Actor,
                GateRequired = e.GateRequired, Progress = e.GateRequired ? ChangeProgress.AwaitingPipeline : ChangeProgress.Ready, CreatedAt = e.At, StateSince = e.At,
                History = [new ChangeHistoryEntry((e.GateRequired ? ChangeProgress.AwaitingPipeline : ChangeProgress.Ready).ToString(), e.At)],
            },
            GateDecided e => state with
            {
                Progress = e.Approved ? ChangeProgress.Ready : ChangeProgress.Declined, GateDecidedBy = e.Actor, GateReason = e.Reason,
                CloseReason = e.Approved ? null : e.Reason,
            },
            PromotionApproved e => state with
            {
                Tag = e.Tag ?? state.Tag, Branch = e.Branch ?? state.Branch, Tiers = [.. state.Tiers, new TierProgress(e.Tier, e.Actor, e.At)],
            },
            PromotionWaiting e => state with { Progress = ChangeProgress.WaitingForWindow, Tier = e.Tier, WaitingUntil = e.Opens, WindowCloses = e.Closes },
            PromotionStarted e => Update(state, e.Tier, p => p with { StartedAt = e.At, Manual = e.Manual }) with
            {
                Progress = ChangeProgress.Installing, Tier = e.Tier, WaitingUntil = null, WindowCloses = e.WindowCloses,
            },
            PromotionAbandoned e => Abandoned(state, e),
            WindowClosedMidChange e => Update(state, e.Tier, p => p with { WindowClosedAt = e.Closed }),
            InstallationRecorded e => Installed(state, e),
            RollbackStarted e => state with { Progress = ChangeProgress.RollingBack, RestoredBuild = e.Restore, Vetted = state.Vetted && !e.Withdrawn, WindowCloses = null },
            RollbackRecorded e => state with
            {
                Progress = e.Succeeded ? ChangeProgress.RolledBack : ChangeProgress.Failed,
                CloseReason = e.Succeeded ? $"last-known-good {state.RestoredBuild} restored on {e.Tier}" : null,
            },
            BuildWithdrawn => state with { Vetted = false },
            ChangeCancelled e => state with { Progress = ChangeProgress.Cancelled, CloseReason = e.Reason, WaitingUntil = null, WindowCloses = null },
            _ => state,
        };
        return Enter(state, next, @event.At) with { Sequence = state.Sequence + 1, UpdatedAt = @event.At };
    }

    private static ChangeState Installed(ChangeState state, InstallationRecorded e)
    {
        ChangeState next = Update(state, e.Tier, p => p with { FinishedAt = e.At, Succeeded = e.Succeeded, Evidence = e.Evidence, Detail = e.Detail });
        bool last = next.Service!.Tiers[^1].Name == e.Tier;
        return next with
        {
            Progress = !e.Succeeded ? ChangeProgress.Failed : last ? ChangeProgress.Completed : ChangeProgress.Installed,
            Vetted = state.Vetted || e.Vetted,
            VettedAt = e.Vetted ? e.At : state.VettedAt,
            WindowCloses = null,
        };
    }

    /// <summary>A waiting promotion given up: the change is back where its last successful installation left it.</summary>
    private static ChangeState Abandoned(ChangeState state, PromotionAbandoned e)
    {
        ChangeState next = Update(state, e.Tier, p => p with { FinishedAt = e.At, Detail = $"abandoned: {e.Reason}" });
        int position = next.Position;
        return next with
        {
            Progress = position < 0 ? ChangeProgress.Ready : ChangeProgress.Installed,
            Tier = position < 0 ? null : next.Service!.Tiers[position].Name,
            WaitingUntil = null,
            WindowCloses = null,
        };
    }

    /// <summary>Changes the latest attempt on <paramref name="tier"/>.</summary>
    private static ChangeState Update(ChangeState state, string tier, Func<TierProgress, TierProgress> change)
    {
        int index = -1;
        for (int i = 0; i < state.Tiers.Count; i++)
        {
            index = state.Tiers[i].Tier == tier ? i : index;
        }

        return index < 0 ? state : state with { Tiers = [.. state.Tiers.Take(index), change(state.Tiers[index]), .. state.Tiers.Skip(index + 1)] };
    }

    /// <summary>Records the history entry and the time spent in the state left, when the state (status and tier) changed.</summary>
    private static ChangeState Enter(ChangeState before, ChangeState after, DateTimeOffset at)
    {
        if (!before.Exists || before.Name == after.Name)
        {
            return after;
        }

        var times = new Dictionary<string, TimeSpan>(before.TimeInState);
        if (at > before.StateSince)
        {
            times[before.Name] = times.GetValueOrDefault(before.Name) + (at - before.StateSince);
        }

        return after with
        {
            TimeInState = times,
            StateSince = at,
            History = [.. before.History, new ChangeHistoryEntry(after.Name, at)],
            ClosedAt = after.IsClosed ? at : null,
        };
    }
}
