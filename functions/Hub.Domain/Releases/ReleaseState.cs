using System.Text.Json.Serialization;
using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Releases;

/// <summary>Where a release stands with its major release's StageRollout slot.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlotStatus>))]
public enum SlotStatus
{
    None,

    /// <summary>Asked for; the slot has not answered.</summary>
    Requested,

    /// <summary>Waiting in the slot's queue (the release is Deferred).</summary>
    Queued,

    /// <summary>This release holds the slot.</summary>
    Holding,
}

/// <summary>A state the release entered, and when (the history metrics are computed from).</summary>
public sealed record StateEntry(RolloutProgress State, DateTimeOffset At);

public sealed record StageRolloutReport(string Team, string Ngi, bool Accepted, string ReportUrl, string? Comment, DateTimeOffset At);

public sealed record SyncBackCall(string CallId, string Connector, string Operation, bool Succeeded, string? Error, bool WillRetry, DateTimeOffset At);

/// <summary>
/// A release (aggregate kind "release", id = its ticket number in the release queue). Stored as JSON by the durable
/// runtime; every change is a <c>with</c> copy made by <see cref="ReleaseDecider.Evolve"/>.
/// </summary>
public sealed record ReleaseState
{
    public static ReleaseState None { get; } = new();

    public long Number { get; init; }

    public string Title { get; init; } = "";

    public string? Provider { get; init; }

    public bool Emergency { get; init; }

    public RolloutProgress Progress { get; init; } = RolloutProgress.Submitted;

    /// <summary>The state a Failed release failed in, where an admin retry returns it.</summary>
    public RolloutProgress? FailedFrom { get; init; }

    public string? FailureReason { get; init; }

    public string? AssociatedMajorRelease { get; init; }

    public ReleaseType? ReleaseType { get; init; }

    public string? SyncProtocol { get; init; }

    public string? SyncUrl { get; init; }

    public string? ReleaseXmlUrl { get; init; }

    /// <summary>The provider's latest upload while Submitted; replaced by the frozen copy at Submitted -> Unverified.</summary>
    public ReleaseMetadata? Metadata { get; init; }

    public string? MetadataBlob { get; init; }

    public string? MetadataSha256 { get; init; }

    public bool MetadataFrozen { get; init; }

    /// <summary>Package path -> SHA-256 of the packages the provider uploaded.</summary>
    public IReadOnlyDictionary<string, string> Uploaded { get; init; } = new Dictionary<string, string>();

    /// <summary>The area the artifacts are in now (blob name prefix), and its URL; null before placement.</summary>
    public string? Area { get; init; }

    public string? RepositoryUrl { get; init; }

    /// <summary>The last repository step that failed after the release closed (target: reason); null when none did.</summary>
    public string? RepositoryFailure { get; init; }

    /// <summary>An artifact step is running for this target state.</summary>
    public RolloutProgress? ArtifactsPendingFor { get; init; }

    public string? QualityCriteriaReportUrl { get; init; }

    public string? ConsolidatedReportUrl { get; init; }

    public DateTimeOffset? ConsolidatedReportAt { get; init; }

    public string? Owner { get; init; }

    public IReadOnlyList<string> Watchers { get; init; } = [];

    /// <summary>The Cc set of the current state, purged and rebuilt from the notification matrix on each change.</summary>
    public IReadOnlyList<string> Cc { get; init; } = [];

    public ReleaseExternalRef? ExternalRef { get; init; }

    public SlotStatus Slot { get; init; }

    /// <summary>A pending StageRollout request: who asked, and the report URL they gave.</summary>
    public SlotRequested? PendingSlotRequest { get; init; }

    public IReadOnlyList<StageRolloutReport> Reports { get; init; } = [];

    public IReadOnlyList<StateEntry> Entries { get; init; } = [];

    public IReadOnlyList<SyncBackCall> SyncBack { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public DateTimeOffset ProgressSince { get; init; }

    /// <summary>Closed intervals only; see <see cref="TimeInStateAt"/>.</summary>
    public IReadOnlyDictionary<RolloutProgress, TimeSpan> TimeInState { get; init; } = new Dictionary<RolloutProgress, TimeSpan>();

    /// <summary>How many events the release has: orders its metrics snapshots.</summary>
    public long Version { get; init; }

    [JsonIgnore]
    public bool Exists => Number != 0;

    /// <summary>new (Submitted), open, rejected (Rejected) or resolved (Production, Ignored, NotPublished), as RT would show it.</summary>
    [JsonIgnore]
    public string Status => Progress switch
    {
        RolloutProgress.Submitted => "new",
        RolloutProgress.Rejected => "rejected",
        RolloutProgress.Production or RolloutProgress.Ignored or RolloutProgress.NotPublished => "resolved",
        _ => "open",
    };

    /// <summary>The major release: release.xml's once uploaded, else what the provider said at creation.</summary>
    [JsonIgnore]
    public string? MajorRelease => Metadata?.AssociatedMajorRelease ?? AssociatedMajorRelease;

    /// <summary>Time in each state up to <paramref name="now"/>, including the interval still open.</summary>
    public IReadOnlyDictionary<RolloutProgress, TimeSpan> TimeInStateAt(DateTimeOffset now)
    {
        var times = new Dictionary<RolloutProgress, TimeSpan>(TimeInState);
        if (Exists && now > ProgressSince)
        {
            times[Progress] = times.GetValueOrDefault(Progress) + (now - ProgressSince);
        }

        return times;
    }
}
