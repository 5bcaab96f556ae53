using System.Text.Json.Serialization;
using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Releases;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ReleaseOpened), "opened")]
[JsonDerivedType(typeof(MetadataUploaded), "metadata-uploaded")]
[JsonDerivedType(typeof(ArtifactUploaded), "artifact-uploaded")]
[JsonDerivedType(typeof(ProgressChanged), "progress-changed")]
[JsonDerivedType(typeof(SlotRequested), "slot-requested")]
[JsonDerivedType(typeof(SlotAssigned), "slot-assigned")]
[JsonDerivedType(typeof(ArtifactsPlaced), "artifacts-placed")]
[JsonDerivedType(typeof(ExternalTransitionRefused), "external-transition-refused")]
[JsonDerivedType(typeof(StageRolloutReported), "stage-rollout-reported")]
[JsonDerivedType(typeof(ConsolidatedReportPublished), "consolidated-report-published")]
[JsonDerivedType(typeof(DeadlineMissed), "deadline-missed")]
[JsonDerivedType(typeof(SyncBackRecorded), "sync-back-recorded")]
[JsonDerivedType(typeof(ArtifactsStepFailed), "artifacts-step-failed")]
public abstract record ReleaseEvent(DateTimeOffset At);

public sealed record ReleaseOpened(
    long Number,
    string Title,
    string? Provider,
    bool Emergency,
    string? AssociatedMajorRelease,
    ReleaseType? ReleaseType,
    string? SyncProtocol,
    string? SyncUrl,
    string? ReleaseXmlUrl,
    IReadOnlyList<string> Watchers,
    ReleaseExternalRef? ExternalRef,
    string? Owner,
    IReadOnlyList<string> Cc,
    string Actor,
    DateTimeOffset At) : ReleaseEvent(At);

public sealed record MetadataUploaded(ReleaseMetadata Metadata, string Blob, string Sha256, string Actor, DateTimeOffset At) : ReleaseEvent(At);

public sealed record ArtifactUploaded(string Path, long Size, string Sha256, string Actor, DateTimeOffset At) : ReleaseEvent(At);

/// <summary>The release moved; <paramref name="Cc"/> is the purged-and-rebuilt Cc set of the new state.</summary>
public sealed record ProgressChanged(
    RolloutProgress From,
    RolloutProgress To,
    string Actor,
    string? Reason,
    bool Override,
    string? Owner,
    IReadOnlyList<string> Cc,
    string? QualityCriteriaReportUrl,
    RolloutProgress? ArtifactsFor,
    DateTimeOffset At) : ReleaseEvent(At);

/// <summary>The release's place with its major release's StageRollout slot changed (granted while Failed, or given back).</summary>
public sealed record SlotAssigned(string MajorRelease, SlotStatus Status, DateTimeOffset At) : ReleaseEvent(At);

/// <summary>StageRollout was asked for; the major release's slot answers with StageRollout or Deferred.</summary>
public sealed record SlotRequested(RolloutProgress From, string MajorRelease, string Actor, string? Reason, string? QualityCriteriaReportUrl, DateTimeOffset At) : ReleaseEvent(At);

/// <summary>A repository step reported done; <paramref name="Next"/> is the follow-up step it started, now pending, if any.</summary>
public sealed record ArtifactsPlaced(
    RolloutProgress Target, string Area, string RepositoryUrl, ReleaseMetadata? Frozen, string? FrozenSha256, DateTimeOffset At, RolloutProgress? Next = null)
    : ReleaseEvent(At);

public sealed record ExternalTransitionRefused(string System, RolloutProgress Current, RolloutProgress Previous, string Reason, DateTimeOffset At) : ReleaseEvent(At);

public sealed record StageRolloutReported(string Team, string Ngi, bool Accepted, string ReportUrl, string? Comment, string Actor, DateTimeOffset At) : ReleaseEvent(At);

public sealed record ConsolidatedReportPublished(string ReportUrl, string Actor, DateTimeOffset At) : ReleaseEvent(At);

public sealed record DeadlineMissed(RolloutProgress State, DateTimeOffset Due, DateTimeOffset At) : ReleaseEvent(At);

/// <summary>The outcome of a sync-back call to the external ticket system.</summary>
public sealed record SyncBackRecorded(string CallId, string Connector, string Operation, bool Succeeded, string? Error, bool WillRetry, DateTimeOffset At) : ReleaseEvent(At);

/// <summary>A repository step failed when the release had no state to fail into (closed, or already Failed).</summary>
public sealed record ArtifactsStepFailed(RolloutProgress Target, string Reason, DateTimeOffset At) : ReleaseEvent(At);
