namespace Hub.Domain.Changes;

// Installation outcomes, vetting, withdrawal and rollback to last-known-good.
public sealed partial class ChangeDecider
{
    private ChangeVerdict Installation(ChangeState state, RecordInstallation c, DateTimeOffset now)
    {
        if (state.IsClosed)
        {
            return Closed(state);
        }

        if (ChangeTiers.Find(state.Service!.Tiers, c.Tier) is not { } tier)
        {
            return ChangeVerdict.Refuse(ChangeRule.UnknownTier, "tier", $"tier: '{c.Tier}' is not one of {state.Service.Name}'s tiers ({string.Join(" -> ", state.Service.Tiers.Select(t => t.Name))}).");
        }

        if (state.Progress is not (ChangeProgress.Installing or ChangeProgress.RollingBack) || state.Tier != tier.Name)
        {
            return ChangeVerdict.Refuse(ChangeRule.NoInstallation, "tier", $"No installation of change #{state.Number} is running on {tier.Name}; the change is {state.Name}.");
        }

        bool manual = !state.Service.HasAgent;
        if (!c.Actor.IsIn(ChangeTeam.Hub))
        {
            if (!manual)
            {
                return ChangeVerdict.Refuse(ChangeRule.AgentReports, "actor", $"{state.Service.Name}'s agent reports the outcome of its installations; a person records only manual ones.");
            }

            if (!c.Actor.MayDeployTo(tier))
            {
                return ChangeVerdict.Refuse(
                    ChangeRule.SystemAccess, "actor",
                    $"System access rules: a manual installation on {tier.Name} ({tier.Role}) is recorded by a system integrator{(tier.ProductionLike ? "" : " or a developer")}; {c.Actor.Name} is neither.");
            }

            if (string.IsNullOrWhiteSpace(c.Evidence))
            {
                return ChangeVerdict.Refuse(ChangeRule.EvidenceRequired, "evidence", "evidence: required for a manual installation (the log, the run sheet, a link to them).");
            }
        }

        return state.Progress == ChangeProgress.RollingBack ? RollbackOutcome(state, c, tier, now) : InstallOutcome(state, c, tier, manual, now);
    }

    private ChangeVerdict InstallOutcome(ChangeState state, RecordInstallation c, ChangeTier tier, bool manual, DateTimeOffset now)
    {
        bool vetted = c.Succeeded && ChangeTiers.Vetting(state.Service!.Tiers) == tier;
        var recorded = new InstallationRecorded(tier.Name, c.Succeeded, manual, Clean(c.Evidence), Clean(c.Detail), vetted, c.Actor.Name, now);
        ChangeState after = Evolve(state, recorded);
        string what = c.Succeeded
            ? after.Progress == ChangeProgress.Completed ? $"installed on {tier.Name}, the last tier" : $"installed on {tier.Name}"
            : $"installation on {tier.Name} FAILED";
        string body = $"{what}.{(recorded.Detail is null ? "" : $"\n\n{recorded.Detail}")}{(recorded.Evidence is null ? "" : $"\n\nEvidence: {recorded.Evidence}")}"
            + (vetted ? $"\n\nThe build is vetted: it is the service's last-known-good{(state.Build is { } b ? $" ({b.As(LoadsetStatus.Stable)})" : "")}, and production may take it." : "")
            + (c.Succeeded ? "" : $"\n\nPromote to {tier.Name} again to retry, or roll back to last-known-good.");
        var effects = new List<Durable.SideEffect?> { Notify(after, what, body) };
        if (vetted && state.Build is { } build)
        {
            effects.Add(new LibraryUpdate(state.Service!.Name, build.As(LoadsetStatus.Stable), state.Number, $"vetted by a successful {tier.Name} installation").Effect());
        }

        return Accept([recorded], effects, cancel: [WindowCloseTimer]);
    }

    private ChangeVerdict RollbackOutcome(ChangeState state, RecordInstallation c, ChangeTier tier, DateTimeOffset now)
    {
        var recorded = new RollbackRecorded(tier.Name, c.Succeeded, Clean(c.Evidence), Clean(c.Detail), c.Actor.Name, now);
        ChangeState after = Evolve(state, recorded);
        string what = c.Succeeded ? $"rolled back on {tier.Name}" : $"rollback on {tier.Name} FAILED";
        string body = $"{what}: {state.RestoredBuild} {(c.Succeeded ? "is installed again" : "could not be restored; retry the rollback")}."
            + (recorded.Detail is null ? "" : $"\n\n{recorded.Detail}") + (recorded.Evidence is null ? "" : $"\n\nEvidence: {recorded.Evidence}");
        return Accept([recorded], [Notify(after, what, body)]);
    }

    private ChangeVerdict Rollback(ChangeState state, RequestRollback c, DateTimeOffset now)
    {
        if (state.IsClosed)
        {
            return Closed(state);
        }

        if (state.Progress is ChangeProgress.Installing or ChangeProgress.RollingBack or ChangeProgress.WaitingForWindow)
        {
            return ChangeVerdict.Refuse(ChangeRule.InProgress, "id", $"Change #{state.Number} is {state.Name}; wait for the outcome (or cancel the waiting promotion) before rolling back.");
        }

        if (state.Tier is null || state.Progress is not (ChangeProgress.Installed or ChangeProgress.Failed or ChangeProgress.Completed))
        {
            return ChangeVerdict.Refuse(ChangeRule.NothingToRollBack, "id", $"Change #{state.Number} has installed nothing yet ({state.Name}); there is nothing to roll back.");
        }

        ChangeTier tier = ChangeTiers.Find(state.Service!.Tiers, state.Tier)!;
        if (!c.Actor.MayDeployTo(tier))
        {
            return ChangeVerdict.Refuse(
                ChangeRule.SystemAccess, "actor",
                $"System access rules: a rollback on {tier.Name} ({tier.Role}) is made by a system integrator{(tier.ProductionLike ? "" : " or a developer")}; {c.Actor.Name} is neither.");
        }

        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            return ChangeVerdict.Refuse(ChangeRule.InvalidField, "reason", "reason: required: say why the change is rolled back.");
        }

        if (c.LastKnownGood is not { } good)
        {
            return ChangeVerdict.Refuse(ChangeRule.NoLastKnownGood, "lastKnownGood", $"The definitive software library has no last-known-good build of {state.Service.Name} to restore.");
        }

        if (!good.IsStableBin)
        {
            return ChangeVerdict.Refuse(ChangeRule.InvalidField, "lastKnownGood", $"lastKnownGood: {good} is not a stable bin loadset; only a vetted build is restored.");
        }

        if (state.Build is { } own && good.As(own.Status) == own)
        {
            return ChangeVerdict.Refuse(
                ChangeRule.NoLastKnownGood, "lastKnownGood",
                $"The library's last-known-good of {state.Service.Name} is this change's own build ({good}); withdraw it first so an earlier stable build becomes current.");
        }

        bool withdraw = state.Vetted && state.Build is not null;
        var started = new RollbackStarted(tier.Name, good, c.Reason.Trim(), withdraw, c.Actor.Name, now);
        ChangeState after = Evolve(state, started);
        bool manual = !state.Service.HasAgent;
        var install = new ChangeInstallation(state.Number, state.Service.Name, tier.Name, state.Version, good, manual, Rollback: true);
        var effects = new List<Durable.SideEffect?>
        {
            install.Effect(),
            Notify(after, $"rolling back on {tier.Name}", $"{c.Actor.Name} is rolling {tier.Name} back to last-known-good {good}: {started.Reason}{(manual ? "\n\nInstall it by hand and record the outcome with its evidence." : "")}"),
        };
        if (withdraw)
        {
            effects.Add(new LibraryUpdate(state.Service.Name, state.Build!.As(LoadsetStatus.Stale), state.Number, $"rolled back on {tier.Name}: {started.Reason}").Effect());
        }

        return Accept([started], effects);
    }

    private ChangeVerdict Withdraw(ChangeState state, WithdrawBuild c, DateTimeOffset now)
    {
        if (state.IsClosed)
        {
            return Closed(state);
        }

        if (!state.Vetted)
        {
            return ChangeVerdict.Refuse(ChangeRule.NotVetted, "id", $"The build of change #{state.Number} is not vetted; there is nothing to withdraw.");
        }

        if (!c.Actor.IsIn(ChangeTeam.SystemIntegrator))
        {
            return ChangeVerdict.Refuse(ChangeRule.SystemAccess, "actor", $"System access rules: a vetted build is withdrawn by a system integrator; {c.Actor.Name} is not one.");
        }

        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            return ChangeVerdict.Refuse(ChangeRule.InvalidField, "reason", "reason: required: say what is wrong with the build.");
        }

        var events = new List<ChangeEvent> { new BuildWithdrawn(c.Reason.Trim(), c.Actor.Name, now) };
        IReadOnlyList<string> cancel = [];
        if (state.Progress == ChangeProgress.WaitingForWindow && ChangeTiers.Find(state.Service!.Tiers, state.Tier!)?.Role == TierRole.Production)
        {
            events.Add(new PromotionAbandoned(state.Tier!, "the build was withdrawn", now));
            cancel = [WindowOpenTimer];
        }

        ChangeState after = events.Aggregate(state, Evolve);
        var effects = new List<Durable.SideEffect?> { Notify(after, "build withdrawn", $"{c.Actor.Name} withdrew the vetted build: {c.Reason.Trim()}\n\nProduction may no longer take it.") };
        if (state.Build is { } build)
        {
            effects.Add(new LibraryUpdate(state.Service!.Name, build.As(LoadsetStatus.Stale), state.Number, $"withdrawn: {c.Reason.Trim()}").Effect());
        }

        return Accept(events, effects, cancel: cancel);
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
