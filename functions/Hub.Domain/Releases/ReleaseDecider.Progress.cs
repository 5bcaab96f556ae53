using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Tickets;

namespace Hub.Domain.Releases;

// RolloutProgress moves: the table, the slot, emergency and override, Failed and retry, and what each move does.
public sealed partial class ReleaseDecider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Result<Decision<ReleaseEvent>> Transition(
        ReleaseState state, ReleaseActor actor, RolloutProgress to, string? reason, bool overrideFlag, string? qcUrl, bool emergency, DateTimeOffset now)
    {
        if (Check(state, actor, to, overrideFlag, emergency) is { } refusal)
        {
            return Reject(refusal);
        }

        if (CheckUrl("qualityCriteriaReportUrl", qcUrl) is { } badUrl)
        {
            return Reject(badUrl);
        }

        ReleaseMove move = ReleaseTransitions.Find(state.Progress, to)!;
        bool wantsSlot = move.Kind == MoveKind.SlotRequest || move.Kind == MoveKind.EmergencyOnly;
        if (wantsSlot && state.Slot != SlotStatus.Holding)
        {
            string major = state.MajorRelease!;
            var requested = new SlotRequested(state.Progress, major, actor.Name, Clean(reason), qcUrl, now);
            var acquire = AggregateCommand.Effect<ReleaseSlotCommand>(
                ReleaseSlotDecider.AggregateKind, major, new AcquireSlot(major, state.Number, state.Emergency || emergency), "release");
            return Ok([requested], acquire);
        }

        return Enter(state, to, actor.Name, reason, overrideFlag, qcUrl, now);
    }

    /// <summary>Why <paramref name="actor"/> may not move the release to <paramref name="to"/> now, or null.</summary>
    private static string? Check(ReleaseState state, ReleaseActor actor, RolloutProgress to, bool overrideFlag, bool emergency)
    {
        RolloutProgress from = state.Progress;
        string move = $"{from} -> {to}";
        if (from == to)
        {
            return $"{move}: release #{state.Number} is already {to}.";
        }

        if (ReleaseTransitions.IsClosed(from))
        {
            return $"{move} is not allowed: {from} is a closing state; release #{state.Number} is resolved.";
        }

        if (ReleaseTransitions.Find(from, to) is not { } allowed)
        {
            return from == RolloutProgress.Failed
                ? $"{move} is not allowed: an admin retry returns a Failed release to the state it failed in ({state.FailedFrom})."
                : $"{move} is not an allowed transition (DESIGN 5.2).";
        }

        string? kindRule = allowed.Kind switch
        {
            MoveKind.Automatic => actor.IsIn(ReleaseTeam.System)
                ? null
                : to == RolloutProgress.Deferred
                    ? $"{move} is made by the hub only: ask for StageRollout, and the release waits in Deferred when its major release's slot is taken."
                    : $"{move} is made by the hub only, when the major release's StageRollout slot frees (first in, first out).",
            MoveKind.EmergencyOnly when !(state.Emergency || emergency) => $"{move} is allowed for emergency releases only; release #{state.Number} is not one.",
            MoveKind.AdminOverride when !(state.Emergency || emergency) =>
                $"{move} is not allowed: only an emergency release may go straight to Production, and only with an admin override.",
            MoveKind.AdminOverride when !overrideFlag => $"{move} needs an explicit admin override (override: true).",
            MoveKind.Retry when to != state.FailedFrom =>
                $"{move} is not allowed: an admin retry returns a Failed release to the state it failed in ({state.FailedFrom}).",
            _ => null,
        };
        if (kindRule is not null)
        {
            return kindRule;
        }

        if (!actor.IsAnyOf(allowed.Teams))
        {
            return $"{move} needs {string.Join(" or ", allowed.Teams.Select(TeamName))}; {actor.Name} acts for {(actor.Teams.Count == 0 ? "no release team" : string.Join(", ", actor.Teams.Select(TeamName)))}.";
        }

        if ((allowed.Kind is MoveKind.SlotRequest or MoveKind.EmergencyOnly) && state.MajorRelease is null)
        {
            return $"{move} needs the release's AssociatedMajorRelease (from release.xml), which release #{state.Number} does not have.";
        }

        if ((allowed.Kind is MoveKind.SlotRequest or MoveKind.EmergencyOnly) && state.Slot == SlotStatus.Requested)
        {
            return $"{move}: release #{state.Number} already asked for StageRollout and waits for its major release's slot.";
        }

        if (from == RolloutProgress.Submitted && to == RolloutProgress.Unverified && state.Metadata is null && state.ReleaseXmlUrl is null)
        {
            return $"{move} needs release.xml: upload it with PUT /api/releases/{state.Number}/metadata (or give releaseXmlUrl).";
        }

        if (from == RolloutProgress.Submitted && to == RolloutProgress.Unverified && state.Metadata is { } m && state.SyncUrl is null
            && m.Packages.FirstOrDefault(p => !state.Uploaded.ContainsKey(p.Path)) is { } missing)
        {
            return $"{move} needs every package: '{missing.Name}' ({missing.Path}) was not uploaded and the release has no Sync-URL to fetch it from.";
        }

        // Leaving Unverified before the artifacts are placed would strand them (a failure of that placement would then send
        // the release to Failed from a state whose retry does not place them): only giving up is allowed meanwhile.
        if (state.ArtifactsPendingFor is { } placing && from == RolloutProgress.Unverified
            && to is not (RolloutProgress.Failed or RolloutProgress.Ignored or RolloutProgress.NotPublished))
        {
            return $"{move} waits for the artifacts to reach the {placing} area first; try again when RepositoryURL shows it.";
        }

        if (state.ArtifactsPendingFor is { } pending && to is RolloutProgress.StageRollout or RolloutProgress.Production)
        {
            return $"{move} waits for the artifacts to reach the {pending} area first; try again when RepositoryURL shows it.";
        }

        return null;
    }

    private Result<Decision<ReleaseEvent>> External(ReleaseState state, ExternalTransition c, DateTimeOffset now)
    {
        string? refusal = state.Progress != c.Previous
            ? $"{c.System} reports {c.Previous} -> {c.Current}, but release #{state.Number} is {state.Progress}."
            : Check(state, c.Actor, c.Current, overrideFlag: false, c.Emergency);
        if (refusal is null)
        {
            return Transition(state, c.Actor, c.Current, $"{c.System} transition", false, null, c.Emergency, now);
        }

        var refused = new ExternalTransitionRefused(c.System, c.Current, c.Previous, refusal, now);
        string note = $"{c.System} reported the release moved {c.Previous} -> {c.Current}{(c.Emergency ? " (emergency release)" : "")}; the hub refused it: {refusal}";
        return Ok([refused], TicketCommand(state.Number, new Comment(Actor.System, note)));
    }

    private Result<Decision<ReleaseEvent>> Granted(ReleaseState state, SlotGranted c, DateTimeOffset now)
    {
        if (state.Slot == SlotStatus.Requested && state.PendingSlotRequest is { } pending && state.Progress == pending.From)
        {
            return Enter(state, RolloutProgress.StageRollout, pending.Actor, pending.Reason, false, pending.QualityCriteriaReportUrl, now);
        }

        if (state.Progress == RolloutProgress.Deferred)
        {
            return Enter(state, RolloutProgress.StageRollout, ReleaseActor.Hub.Name, $"The StageRollout slot of major release {c.MajorRelease} freed.", false, null, now);
        }

        if (state.Progress == RolloutProgress.StageRollout || (state.Progress == RolloutProgress.Failed && state.FailedFrom is RolloutProgress.Deferred or RolloutProgress.StageRollout))
        {
            // Kept for the admin retry: a failed release does not lose its turn.
            return state.Slot == SlotStatus.Holding ? Ok([]) : Ok([new SlotAssigned(c.MajorRelease, SlotStatus.Holding, now)]);
        }

        // The release no longer wants the slot (it moved on while the slot answered): give it back at once.
        return Ok([new SlotAssigned(c.MajorRelease, SlotStatus.None, now)], Leave(c.MajorRelease, state.Number));
    }

    private Result<Decision<ReleaseEvent>> Queued(ReleaseState state, SlotQueued c, DateTimeOffset now)
    {
        if (state.Slot == SlotStatus.Requested && state.PendingSlotRequest is { } pending && state.Progress == pending.From)
        {
            string why = $"The StageRollout slot of major release {c.MajorRelease} is taken; waiting at position {c.Position.ToString(CultureInfo.InvariantCulture)}.";
            return Enter(state, RolloutProgress.Deferred, ReleaseActor.Hub.Name, why, false, pending.QualityCriteriaReportUrl, now);
        }

        if (state.Progress == RolloutProgress.Deferred || (state.Progress == RolloutProgress.Failed && state.FailedFrom == RolloutProgress.Deferred))
        {
            return Ok([]);
        }

        return Ok([new SlotAssigned(c.MajorRelease, SlotStatus.None, now)], Leave(c.MajorRelease, state.Number));
    }

    private Result<Decision<ReleaseEvent>> ArtifactsDone(ReleaseState state, ArtifactsDone c, DateTimeOffset now)
    {
        if (state.ArtifactsPendingFor != c.Target)
        {
            return Ok([]); // a stale run (a step for a target the release no longer waits for): the pending one decides
        }

        var placed = new ArtifactsPlaced(c.Target, c.Area, c.RepositoryUrl, c.Frozen, c.FrozenSha256, now);
        ReleaseState after = Evolve(state, placed);
        // The artifacts may have to follow a release that moved on while they travelled (e.g. placed for a retry into
        // StageRollout): that step is pending in turn, so its outcome is the one the release waits for.
        if (ArtifactWorkFor(after, after.Progress) is { } next)
        {
            placed = placed with { Next = after.Progress };
            return Ok([placed], next);
        }

        return Ok([placed]);
    }

    private Result<Decision<ReleaseEvent>> ArtifactsFailed(ReleaseState state, ArtifactsFailed c, DateTimeOffset now)
    {
        if (state.ArtifactsPendingFor != c.Target)
        {
            return Ok([]); // a stale run's failure: the release no longer waits for that step
        }

        if (ReleaseTransitions.IsClosed(state.Progress) || state.Progress == RolloutProgress.Failed)
        {
            // There is no state left to fail into (a Production move after the release resolved, or one finishing while it
            // is already Failed): record it and say so on the ticket, never drop it silently.
            var recorded = new ArtifactsStepFailed(c.Target, c.Reason, now);
            string note = $"Repository step for {c.Target} failed while the release was {state.Progress}: {c.Reason}. "
                + $"The artifacts are still in {state.RepositoryUrl ?? "no area yet"}; an operator has to place them.";
            return Ok([recorded], TicketCommand(state.Number, new Comment(Actor.System, note)));
        }

        return Enter(state, RolloutProgress.Failed, ReleaseActor.Hub.Name, $"Repository step for {c.Target} failed: {c.Reason}", false, null, now);
    }

    /// <summary>The move itself: the event, and the ticket, slot, repository, notification, timer and metrics effects.</summary>
    private Result<Decision<ReleaseEvent>> Enter(
        ReleaseState state, RolloutProgress to, string actor, string? reason, bool overrideFlag, string? qcUrl, DateTimeOffset now)
    {
        reason = Clean(reason);
        string? owner = Workflow.Owners.TryGetValue(to, out string? standing) ? standing : state.Owner;
        IReadOnlyList<string> cc = CcFor(state with { Owner = owner }, to);
        SideEffect? artifacts = ArtifactWorkFor(state with { Progress = to }, to);
        RolloutProgress? artifactsFor = artifacts is null ? null : to;
        var changed = new ProgressChanged(state.Progress, to, actor, reason, overrideFlag, owner, cc, qcUrl, artifactsFor, now);
        var events = new List<ReleaseEvent> { changed };
        ReleaseState after = Evolve(state, changed);

        var effects = new List<SideEffect>
        {
            TicketCommand(state.Number, new ChangeStatus(Actor.System, to.ToString(), reason)),
        };
        if (!string.Equals(owner, state.Owner, StringComparison.OrdinalIgnoreCase))
        {
            effects.Add(TicketCommand(state.Number, new SetOwner(Actor.System, owner)));
        }

        if (to == RolloutProgress.Failed)
        {
            effects.Add(TicketCommand(state.Number, new Comment(Actor.System, $"Release failed in {state.Progress}: {reason ?? "no reason given"}. An admin retry returns it to {state.Progress}.")));
        }

        if (ReleaseTransitions.IsClosed(to) && state.MajorRelease is { } major && state.Slot != SlotStatus.None)
        {
            effects.Add(Leave(major, state.Number));
        }

        // A retry into Deferred while holding the slot (it freed for us while we were Failed): promote at once.
        if (to == RolloutProgress.Deferred && state.Slot == SlotStatus.Holding)
        {
            var promoted = new ProgressChanged(
                RolloutProgress.Deferred, RolloutProgress.StageRollout, ReleaseActor.Hub.Name, "The StageRollout slot is this release's.", false,
                Workflow.Owners.TryGetValue(RolloutProgress.StageRollout, out string? srOwner) ? srOwner : owner,
                CcFor(after, RolloutProgress.StageRollout), null, null, now);
            SideEffect? move = ArtifactWorkFor(after with { Progress = RolloutProgress.StageRollout }, RolloutProgress.StageRollout);
            promoted = promoted with { ArtifactsFor = move is null ? null : RolloutProgress.StageRollout };
            events.Add(promoted);
            after = Evolve(after, promoted);
            effects.Add(TicketCommand(state.Number, new ChangeStatus(Actor.System, RolloutProgress.StageRollout.ToString(), promoted.Reason)));
            if (move is not null)
            {
                effects.Add(move);
            }
        }

        if (artifacts is not null && after.Progress == to)
        {
            effects.Add(artifacts);
        }

        effects.AddRange(Notify(after, Describe(state.Progress, after, reason, overrideFlag), state.Progress));
        // Only these states change a monthly figure; the others are counted when the release closes.
        if (after.Progress is RolloutProgress.Unverified or RolloutProgress.StageRollout or RolloutProgress.Deferred || ReleaseTransitions.IsClosed(after.Progress))
        {
            effects.Add(Metrics(after));
        }
        effects.AddRange(SyncBack(state, after, reason));
        return Result<Decision<ReleaseEvent>>.Ok(new Decision<ReleaseEvent>(
            events, effects, DeadlineTimers(after, after.Progress, now), Workflow.Deadlines.ContainsKey(after.Progress) || Workflow.EmergencyDeadlines.ContainsKey(after.Progress) ? [] : [DeadlineTimer]));
    }

    /// <summary>The repository step a release entering <paramref name="to"/> needs, or null when its artifacts are already there.</summary>
    private static SideEffect? ArtifactWorkFor(ReleaseState state, RolloutProgress to)
    {
        string frozen = FrozenBlobOf(state.Number);
        if (state.Area is null)
        {
            // Nothing placed yet: any state that keeps artifacts in an area places them (into Unverified first; a later
            // state's area follows when the placement reports done), e.g. an admin retry into InVerification.
            if (!KeepsArtifacts(to) || state.ArtifactsPendingFor == to)
            {
                return null;
            }

            var place = new ArtifactWork(
                state.Number, ArtifactWork.Place, state.MetadataBlob, frozen, state.ReleaseXmlUrl, state.SyncUrl, null,
                state.Metadata is { } m ? ReleaseAreas.Unverified(m) : null, to, state.Metadata?.Packages.ToList() ?? []);
            return new SideEffect(ArtifactWork.EffectKind, JsonSerializer.Serialize(place, Json));
        }

        if (state.Metadata is not { } metadata || ReleaseAreas.For(to, metadata) is not { } target || target == state.Area)
        {
            return null;
        }

        var move = new ArtifactWork(state.Number, ArtifactWork.Move, null, frozen, null, null, state.Area, target, to, metadata.Packages.ToList());
        return new SideEffect(ArtifactWork.EffectKind, JsonSerializer.Serialize(move, Json));
    }

    /// <summary>
    /// The RepositoryURL of the area a release in its current state keeps its artifacts in: where they are going when a
    /// move is still under way (RepositoryURL itself follows when they arrive). The repository's base URL is the part of
    /// the current RepositoryURL before the current area; without an area (nothing placed yet) it is the current URL.
    /// </summary>
    public static string? TargetRepositoryUrl(ReleaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Metadata is { } m && ReleaseAreas.For(state.Progress, m) is { } target && state.Area is { } area
            && state.RepositoryUrl is { } url && url.EndsWith(area, StringComparison.Ordinal)
            ? url[..^area.Length] + target
            : state.RepositoryUrl;
    }

    /// <summary>Whether a release in <paramref name="state"/> keeps its artifacts in an area (<see cref="ReleaseAreas.For"/> is not null).</summary>
    private static bool KeepsArtifacts(RolloutProgress state) => state is RolloutProgress.Unverified or RolloutProgress.InVerification
        or RolloutProgress.WaitingForResponse or RolloutProgress.Deferred or RolloutProgress.StageRollout or RolloutProgress.Production;

    /// <summary>Where a release's release.xml is frozen (a create-once blob).</summary>
    public static string FrozenBlobOf(long number) => $"{ReleaseAreas.Root}metadata/{IdOf(number)}/release.xml";

    /// <summary>
    /// Where one release.xml upload is kept while the release is Submitted: each upload has its own blob, named by its
    /// SHA-256, so an upload the workflow refuses is never the one the release references (and freezes).
    /// </summary>
    public static string DraftBlobOf(long number, string sha256) =>
        $"{ReleaseAreas.Root}metadata/{IdOf(number)}/draft-{sha256.ToLowerInvariant()}.xml";

    private static SideEffect Leave(string major, long number) =>
        AggregateCommand.Effect<ReleaseSlotCommand>(ReleaseSlotDecider.AggregateKind, major, new LeaveSlot(major, number), "release");

    private IReadOnlyList<TimerRequest> DeadlineTimers(ReleaseState state, RolloutProgress progress, DateTimeOffset now)
    {
        TimeSpan? deadline = state.Emergency && Workflow.EmergencyDeadlines.TryGetValue(progress, out TimeSpan shortened) ? shortened
            : Workflow.Deadlines.TryGetValue(progress, out TimeSpan normal) ? normal
            : null;
        return deadline is { } d ? [new TimerRequest(DeadlineTimer, now + d, progress.ToString())] : [];
    }

    private static string Describe(RolloutProgress from, ReleaseState after, string? reason, bool overrideFlag)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Release {after.Title} moved from {from} to {after.Progress}");
        text.Append(after.Emergency ? " (emergency release)" : "").Append(overrideFlag ? " by admin override" : "").Append(".\n");
        if (reason is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Reason: {reason}\n");
        }

        if (after.Owner is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Owner: {after.Owner}\n");
        }

        if (TargetRepositoryUrl(after) is { } repository)
        {
            text.Append(CultureInfo.InvariantCulture, $"Repository: {repository}\n");
        }

        if (after.QualityCriteriaReportUrl is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Quality criteria report: {after.QualityCriteriaReportUrl}\n");
        }

        return text.ToString();
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string TeamName(ReleaseTeam team) => team switch
    {
        ReleaseTeam.Provider => "the provider",
        ReleaseTeam.Qc => "the QC team",
        ReleaseTeam.Sr => "the SR team",
        ReleaseTeam.Admin => "an admin",
        _ => "the hub",
    };
}
