using System.Text.Json.Serialization;
using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Releases;

/// <summary>A command to a release (kind "release", id = its ticket number). Serialized with a "type" discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(OpenRelease), "open")]
[JsonDerivedType(typeof(UploadMetadata), "upload-metadata")]
[JsonDerivedType(typeof(RecordArtifact), "record-artifact")]
[JsonDerivedType(typeof(RequestTransition), "transition")]
[JsonDerivedType(typeof(ExternalTransition), "external-transition")]
[JsonDerivedType(typeof(SlotGranted), "slot-granted")]
[JsonDerivedType(typeof(SlotQueued), "slot-queued")]
[JsonDerivedType(typeof(ArtifactsDone), "artifacts-done")]
[JsonDerivedType(typeof(ArtifactsFailed), "artifacts-failed")]
[JsonDerivedType(typeof(FileStageRolloutReport), "stage-rollout-report")]
[JsonDerivedType(typeof(PublishConsolidatedReport), "consolidated-report")]
[JsonDerivedType(typeof(DeadlinePassed), "deadline-passed")]
[JsonDerivedType(typeof(ReleaseConnectorOutcome), ReleaseDecider.ConnectorOutcomeType)]
public abstract record ReleaseCommand(ReleaseActor Actor);

/// <summary>Opens release <paramref name="Number"/>; unless <paramref name="TicketExists"/>, its ticket is created in the release queue.</summary>
public sealed record OpenRelease(
    ReleaseActor Actor,
    long Number,
    string Title,
    string? Provider,
    bool Emergency,
    string? AssociatedMajorRelease = null,
    ReleaseType? ReleaseType = null,
    string? SyncProtocol = null,
    string? SyncUrl = null,
    string? ReleaseXmlUrl = null,
    IReadOnlyList<string>? Watchers = null,
    ReleaseExternalRef? ExternalRef = null,
    bool TicketExists = false) : ReleaseCommand(Actor)
{
    public IReadOnlyList<string> Watchers { get; init; } = Watchers ?? [];
}

/// <summary>The provider uploaded a release.xml (already validated) to <paramref name="Blob"/>.</summary>
public sealed record UploadMetadata(ReleaseActor Actor, ReleaseMetadata Metadata, string Blob, string Sha256) : ReleaseCommand(Actor);

/// <summary>A package uploaded by the provider, its SHA-256 checked against release.xml while it was stored.</summary>
public sealed record RecordArtifact(ReleaseActor Actor, string Path, long Size, string Sha256) : ReleaseCommand(Actor);

/// <param name="Override">An admin's explicit override to send an emergency release straight to Production.</param>
/// <param name="QualityCriteriaReportUrl">The QC verification report, usually given when verification ends.</param>
public sealed record RequestTransition(
    ReleaseActor Actor, RolloutProgress To, string? Reason = null, bool Override = false, string? QualityCriteriaReportUrl = null) : ReleaseCommand(Actor);

/// <summary>The ticket-system transition API reported a move; applied when it fits the table, else recorded as refused.</summary>
public sealed record ExternalTransition(ReleaseActor Actor, string System, RolloutProgress Current, RolloutProgress Previous, bool Emergency) : ReleaseCommand(Actor);

/// <summary>The major release's StageRollout slot is this release's.</summary>
public sealed record SlotGranted(ReleaseActor Actor, string MajorRelease) : ReleaseCommand(Actor);

/// <summary>The slot is taken: the release waits at <paramref name="Position"/> (1 = next).</summary>
public sealed record SlotQueued(ReleaseActor Actor, string MajorRelease, int Position) : ReleaseCommand(Actor);

/// <summary>The artifacts are in <paramref name="Area"/>; for a placement, with the frozen release.xml.</summary>
public sealed record ArtifactsDone(ReleaseActor Actor, RolloutProgress Target, string Area, string RepositoryUrl, ReleaseMetadata? Frozen, string? FrozenSha256) : ReleaseCommand(Actor);

/// <summary>The repository step failed: the release goes to Failed with <paramref name="Reason"/> (which package and why).</summary>
public sealed record ArtifactsFailed(ReleaseActor Actor, RolloutProgress Target, string Reason) : ReleaseCommand(Actor);

public sealed record FileStageRolloutReport(ReleaseActor Actor, string Team, bool Accepted, string ReportUrl, string? Comment = null) : ReleaseCommand(Actor);

public sealed record PublishConsolidatedReport(ReleaseActor Actor, string ReportUrl) : ReleaseCommand(Actor);

public sealed record DeadlinePassed(ReleaseActor Actor, RolloutProgress State, DateTimeOffset Due) : ReleaseCommand(Actor);

/// <summary>
/// The outcome of an outbound connector call (sync back), as the connector runtime reports it: exactly the properties
/// of <c>Hub.Domain.Connectors.ConnectorOutcome</c>. The runtime sends no actor, so <paramref name="Actor"/> is null.
/// </summary>
public sealed record ReleaseConnectorOutcome(
    ReleaseActor? Actor,
    string CallId,
    string Connector,
    string Operation,
    bool Succeeded,
    string? ExternalId,
    string? Error,
    bool WillRetry,
    DateTimeOffset At) : ReleaseCommand(Actor!);

/// <summary>The external ticket a release came from (ticket-system transition API), for sync back.</summary>
public sealed record ReleaseExternalRef(string System, string Id, string? Url = null);
