using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Releases;

// The fold: every event is a fact Decide already validated, so Evolve never refuses.
public sealed partial class ReleaseDecider
{
    public ReleaseState Evolve(ReleaseState state, ReleaseEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        ReleaseState next = @event switch
        {
            ReleaseOpened e => ReleaseState.None with
            {
                Number = e.Number, Title = e.Title, Provider = e.Provider, Emergency = e.Emergency, AssociatedMajorRelease = e.AssociatedMajorRelease,
                ReleaseType = e.ReleaseType, SyncProtocol = e.SyncProtocol, SyncUrl = e.SyncUrl, ReleaseXmlUrl = e.ReleaseXmlUrl, Watchers = e.Watchers,
                ExternalRef = e.ExternalRef, Owner = e.Owner, Cc = e.Cc, CreatedAt = e.At, ProgressSince = e.At,
                Entries = [new StateEntry(RolloutProgress.Submitted, e.At)],
            },
            MetadataUploaded e => state with { Metadata = e.Metadata, MetadataBlob = e.Blob, MetadataSha256 = e.Sha256, ReleaseType = e.Metadata.ReleaseType },
            ArtifactUploaded e => state with { Uploaded = new Dictionary<string, string>(state.Uploaded) { [e.Path] = e.Sha256 } },
            ProgressChanged e => Enter(state, e),
            SlotRequested e => state with { Slot = SlotStatus.Requested, PendingSlotRequest = e },
            SlotAssigned e => state with { Slot = e.Status, PendingSlotRequest = null },
            ArtifactsPlaced e => state with
            {
                Area = e.Area,
                RepositoryUrl = e.RepositoryUrl,
                ArtifactsPendingFor = e.Next ?? (state.ArtifactsPendingFor == e.Target ? null : state.ArtifactsPendingFor),
                Metadata = e.Frozen ?? state.Metadata,
                MetadataSha256 = e.FrozenSha256 ?? state.MetadataSha256,
                MetadataBlob = e.Frozen is null ? state.MetadataBlob : FrozenBlobOf(state.Number),
                MetadataFrozen = state.MetadataFrozen || e.Frozen is not null,
                ReleaseType = e.Frozen?.ReleaseType ?? state.ReleaseType,
            },
            ArtifactsStepFailed e => state with
            {
                ArtifactsPendingFor = state.ArtifactsPendingFor == e.Target ? null : state.ArtifactsPendingFor,
                RepositoryFailure = $"{e.Target}: {e.Reason}",
            },
            StageRolloutReported e => state with { Reports = [.. state.Reports, new StageRolloutReport(e.Team, e.Ngi, e.Accepted, e.ReportUrl, e.Comment, e.At)] },
            ConsolidatedReportPublished e => state with { ConsolidatedReportUrl = e.ReportUrl, ConsolidatedReportAt = e.At },
            SyncBackRecorded e => state with { SyncBack = [.. state.SyncBack.TakeLast(49), new SyncBackCall(e.CallId, e.Connector, e.Operation, e.Succeeded, e.Error, e.WillRetry, e.At)] },
            _ => state,
        };
        return next with { Version = state.Version + 1, UpdatedAt = @event.At };
    }

    private static ReleaseState Enter(ReleaseState state, ProgressChanged e)
    {
        var times = new Dictionary<RolloutProgress, TimeSpan>(state.TimeInState);
        if (e.At > state.ProgressSince)
        {
            times[e.From] = times.GetValueOrDefault(e.From) + (e.At - state.ProgressSince);
        }

        SlotStatus slot = e.To switch
        {
            RolloutProgress.StageRollout => SlotStatus.Holding,
            RolloutProgress.Deferred => state.Slot == SlotStatus.Holding ? SlotStatus.Holding : SlotStatus.Queued,
            _ when ReleaseTransitions.IsClosed(e.To) => SlotStatus.None,
            _ => state.Slot,
        };
        return state with
        {
            Progress = e.To,
            ProgressSince = e.At,
            TimeInState = times,
            Entries = [.. state.Entries, new StateEntry(e.To, e.At)],
            Owner = e.Owner,
            Cc = e.Cc,
            FailedFrom = e.To == RolloutProgress.Failed ? e.From : null,
            FailureReason = e.To == RolloutProgress.Failed ? e.Reason : null,
            ResolvedAt = ReleaseTransitions.IsClosed(e.To) ? e.At : null,
            QualityCriteriaReportUrl = e.QualityCriteriaReportUrl ?? state.QualityCriteriaReportUrl,
            ArtifactsPendingFor = e.ArtifactsFor ?? (e.To == RolloutProgress.Failed ? null : state.ArtifactsPendingFor),
            Slot = slot,
            PendingSlotRequest = e.To is RolloutProgress.StageRollout or RolloutProgress.Deferred || ReleaseTransitions.IsClosed(e.To) ? null : state.PendingSlotRequest,
            // The metadata froze when the release left Submitted; a retry back into Submitted keeps it frozen.
            MetadataFrozen = state.MetadataFrozen || (e.From == RolloutProgress.Submitted && e.To == RolloutProgress.Unverified),
        };
    }

    /// <summary>The reply type connector outcomes come back to a release with (<see cref="ReleaseConnectorOutcome"/>).</summary>
    public const string ConnectorOutcomeType = "release-connector-outcome";

    /// <summary>
    /// When a release that came from a ticket system resolves or fails, each connector <c>releases.syncBack</c> names for
    /// that system updates the external ticket (Status and the RolloutProgress custom field) and comments on it; every
    /// outcome comes back to the release (<see cref="SyncBackRecorded"/>), so failures are visible there.
    /// </summary>
    private IEnumerable<SideEffect> SyncBack(ReleaseState before, ReleaseState after, string? reason)
    {
        bool resolved = ReleaseTransitions.IsClosed(after.Progress) && !ReleaseTransitions.IsClosed(before.Progress);
        bool failed = after.Progress == RolloutProgress.Failed;
        if ((!resolved && !failed) || after.ExternalRef is not { } external || !Workflow.SyncBack.TryGetValue(external.System, out IReadOnlyList<string>? connectors))
        {
            yield break;
        }

        // RT's own statuses: a rejected release is rejected there; Production, Ignored and NotPublished resolve it; a
        // failed release stays open for the retry.
        string status = after.Progress switch
        {
            RolloutProgress.Rejected => "rejected",
            RolloutProgress.Failed => "open",
            _ => "resolved",
        };
        string text = failed
            ? $"Release {after.Title} failed in {before.Progress}: {reason ?? "no reason given"}. An admin retry returns it to {before.Progress}."
            : $"Release {after.Title} is {after.Progress}{(reason is null ? "" : $": {reason}")}.{(TargetRepositoryUrl(after) is { } url && after.Progress == RolloutProgress.Production ? $" Repository: {url}" : "")}";
        var reply = new Connectors.ConnectorReply(AggregateKind, IdOf(after.Number), ConnectorOutcomeType, "connector");
        foreach (string connector in connectors)
        {
            yield return Connectors.ConnectorCall.Effect(new Connectors.ConnectorCall(
                connector,
                Connectors.ConnectorCall.Update,
                external.Id,
                Status: status,
                CustomFields: new Dictionary<string, string> { ["RolloutProgress"] = after.Progress.ToString() },
                Reply: reply));
            yield return Connectors.ConnectorCall.Effect(new Connectors.ConnectorCall(
                connector, Connectors.ConnectorCall.CommentOperation, external.Id, Text: text, Reply: reply));
        }
    }
}
