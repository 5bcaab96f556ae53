using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

// Promotion: the tier order, the system access rules, vetting, the names, and the release windows.
public sealed partial class ChangeDecider
{
    private ChangeVerdict Promote(ChangeState state, RequestPromotion c, DateTimeOffset now)
    {
        if (CheckPromotion(state, c) is { } refused)
        {
            return refused;
        }

        ChangeService service = state.Service!;
        ChangeTier tier = ChangeTiers.Find(service.Tiers, c.Tier)!;
        TimeZoneInfo zone = WindowsOf(state).Zone;
        string? tag = state.Tag is null && ChangeTiers.Tagging(service.Tiers) == tier ? ChangeNames.Tag(state.Version, now, zone) : null;
        string? branch = state.Branch is null && ChangeTiers.Branching(service.Tiers) == tier ? ChangeNames.Branch(state.Version, now, zone) : null;
        var approved = new PromotionApproved(tier.Name, c.Actor.Name, tag, branch, now);
        if (!tier.ProductionLike)
        {
            return Start(state, approved, tier, null, now);
        }

        ReleaseWindows windows = WindowsOf(state);
        if (windows.IsOpen(now))
        {
            return Start(state, approved, tier, windows.OpenUntil(now), now);
        }

        if (windows.NextOpening(now) is not { } opens)
        {
            return ChangeVerdict.Refuse(
                ChangeRule.NoReleaseWindow, "tier",
                $"{tier.Name} changes happen only inside a release window, and no window of {service.Name} opens after {Format(now, zone)}; negotiate one (a weekly window or a one-off slot).");
        }

        return Wait(state, [approved], tier, opens, windows.OpenUntil(opens) ?? opens, now);
    }

    /// <summary>Why the promotion is refused, in the order a person would fix it: state, gate, tier, order, access, vetting.</summary>
    private static ChangeVerdict? CheckPromotion(ChangeState state, RequestPromotion c)
    {
        if (state.IsClosed)
        {
            return Closed(state);
        }

        if (state.Progress == ChangeProgress.AwaitingPipeline)
        {
            return ChangeVerdict.Refuse(ChangeRule.AwaitingGate, "tier", $"{Sentence(Describe(state.Kind))} is promoted once isda-pipeline approves it; change #{state.Number} waits at the pipeline-planning gate.");
        }

        if (state.Progress is ChangeProgress.WaitingForWindow or ChangeProgress.Installing or ChangeProgress.RollingBack)
        {
            return ChangeVerdict.Refuse(ChangeRule.InProgress, "tier", $"Change #{state.Number} is {state.Name}; promote again once that is over.");
        }

        if (state.RestoredBuild is not null)
        {
            return ChangeVerdict.Refuse(ChangeRule.InProgress, "tier", $"Change #{state.Number} started a rollback on {state.Tier}; retry the rollback or cancel the change.");
        }

        IReadOnlyList<ChangeTier> tiers = state.Service!.Tiers;
        string order = string.Join(" -> ", tiers.Select(t => t.Name));
        if (ChangeTiers.Find(tiers, c.Tier) is not { } tier)
        {
            return ChangeVerdict.Refuse(ChangeRule.UnknownTier, "tier", $"tier: '{c.Tier}' is not one of {state.Service.Name}'s tiers ({order}).");
        }

        int position = state.Position;
        int target = IndexOf(tiers, tier);
        string at = position < 0 ? "no tier yet" : tiers[position].Name;
        if (position == tiers.Count - 1)
        {
            return ChangeVerdict.Refuse(ChangeRule.TierOrder, "tier", $"Change #{state.Number} is installed on every tier ({order}); there is no tier left to promote to.");
        }

        if (target <= position)
        {
            return ChangeVerdict.Refuse(ChangeRule.TierOrder, "tier", $"Tiers are passed in the order {order}: change #{state.Number} is installed on {at}, already past {tier.Name}.");
        }

        if (target > position + 1)
        {
            ChangeTier next = tiers[position + 1];
            return ChangeVerdict.Refuse(
                ChangeRule.TierOrder, "tier",
                $"Tiers are passed in the order {order}, never skipping one: promoting to {tier.Name} would skip {next.Name} (change #{state.Number} is installed on {at}).");
        }

        if (!c.Actor.MayDeployTo(tier))
        {
            string teams = c.Actor.Teams.Count == 0 ? "no team" : string.Join(", ", c.Actor.Teams);
            return ChangeVerdict.Refuse(
                ChangeRule.SystemAccess, "actor",
                $"System access rules: developers deploy to development tiers (DEV, TEST) only; {tier.Name} is {tier.Role} and needs a system integrator; {c.Actor.Name} acts as {teams}.");
        }

        if (tier.Role == TierRole.Production && !state.Vetted)
        {
            string vetting = ChangeTiers.Vetting(tiers)?.Name ?? "STAGE";
            return ChangeVerdict.Refuse(
                ChangeRule.UnvettedBuild, "tier",
                $"{tier.Name} takes only a build {vetting} vetted; the build of change #{state.Number} is not vetted (a successful {vetting} installation vets it; a withdrawal or rollback revokes it).");
        }

        return null;
    }

    /// <summary>A timer said the window opens: start, or wait again if it is not open after all (a late timer, a renegotiation).</summary>
    private ChangeVerdict Opened(ChangeState state, WindowOpened c, DateTimeOffset now)
    {
        if (state.Progress != ChangeProgress.WaitingForWindow || !string.Equals(state.Tier, c.Tier, StringComparison.OrdinalIgnoreCase))
        {
            return Accept([]);
        }

        ChangeTier tier = ChangeTiers.Find(state.Service!.Tiers, c.Tier)!;
        ReleaseWindows windows = WindowsOf(state);
        if (windows.IsOpen(now))
        {
            return Start(state, null, tier, windows.OpenUntil(now), now);
        }

        if (windows.NextOpening(now) is { } opens)
        {
            return Wait(state, [], tier, opens, windows.OpenUntil(opens) ?? opens, now);
        }

        var abandoned = new PromotionAbandoned(tier.Name, "no release window opens any more", now);
        ChangeState after = Evolve(state, abandoned);
        return Accept([abandoned], [Notify(after, $"{tier.Name} promotion abandoned", $"The promotion to {tier.Name} waited for a release window, and none opens any more; negotiate one and promote again.")]);
    }

    /// <summary>A timer said the window closed: if the installation it started in still runs, that is recorded and reported.</summary>
    private ChangeVerdict WindowShut(ChangeState state, WindowClosed c, DateTimeOffset now)
    {
        if (state.Progress != ChangeProgress.Installing || !string.Equals(state.Tier, c.Tier, StringComparison.OrdinalIgnoreCase))
        {
            return Accept([]);
        }

        var closed = new WindowClosedMidChange(state.Tier!, c.Due, now);
        ChangeState after = Evolve(state, closed);
        TimeZoneInfo zone = WindowsOf(state).Zone;
        return Accept(
            [closed],
            [Notify(after, $"release window closed during the {state.Tier} installation", $"The release window closed at {Format(c.Due, zone)} while the installation on {state.Tier} was still running. It was started inside the window and is not interrupted; the outcome is still awaited.")]);
    }

    private ChangeVerdict Start(ChangeState state, PromotionApproved? approved, ChangeTier tier, DateTimeOffset? closes, DateTimeOffset now)
    {
        bool manual = !state.Service!.HasAgent;
        var started = new PromotionStarted(tier.Name, manual, closes, now);
        List<ChangeEvent> events = approved is null ? [started] : [approved, started];
        ChangeState after = events.Aggregate(state, Evolve);
        var install = new ChangeInstallation(state.Number, state.Service.Name, tier.Name, state.Version, state.Build, manual, Rollback: false);
        string how = manual
            ? $"{state.Service.Name} has no agent: install it by hand on {tier.Name} and record the outcome with its evidence."
            : $"The hub installs it on the {tier.Name} nodes through the service's agent.";
        string body = approved is null
            ? $"The release window opened: the promotion to {tier.Name} that {after.Tiers[^1].ApprovedBy} approved starts now. {how}"
            : $"{approved.Actor} promoted the change to {tier.Name}. {how}{Names(approved)}";
        IReadOnlyList<TimerRequest> timers = closes is { } at ? [new TimerRequest(WindowCloseTimer, at, tier.Name)] : [];
        return Accept(events, [install.Effect(), Notify(after, $"installing on {tier.Name}", body)], timers);
    }

    private ChangeVerdict Wait(ChangeState state, List<ChangeEvent> events, ChangeTier tier, DateTimeOffset opens, DateTimeOffset closes, DateTimeOffset now)
    {
        var waiting = new PromotionWaiting(tier.Name, opens, closes, now);
        events.Add(waiting);
        ChangeState after = events.Aggregate(state, Evolve);
        TimeZoneInfo zone = WindowsOf(state).Zone;
        PromotionApproved? approved = events.OfType<PromotionApproved>().FirstOrDefault();
        string body = $"The promotion to {tier.Name} was approved outside a release window; it waits until {Format(opens, zone)} and starts then.{Names(approved)}";
        return Accept(events, [Notify(after, $"{tier.Name} waits until {Format(opens, zone)}", body)], [new TimerRequest(WindowOpenTimer, opens, tier.Name)]);
    }

    private static string Names(PromotionApproved? approved) =>
        (approved?.Tag is { } tag ? $"\n\nTag: {tag}" : "") + (approved?.Branch is { } branch ? $"\n\nBranch: {branch}" : "");

    private static int IndexOf(IReadOnlyList<ChangeTier> tiers, ChangeTier tier)
    {
        for (int i = 0; i < tiers.Count; i++)
        {
            if (tiers[i] == tier)
            {
                return i;
            }
        }

        return -1;
    }
}
