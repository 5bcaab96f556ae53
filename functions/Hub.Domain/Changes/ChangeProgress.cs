using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>Where a change stands; with the tier it concerns this is the state recorded in its history.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeProgress>))]
public enum ChangeProgress
{
    /// <summary>Waiting for isda-pipeline to approve or decline.</summary>
    AwaitingPipeline,

    /// <summary>Gate passed or skipped; no tier promoted yet.</summary>
    Ready,

    /// <summary>Approved for a windowed tier whose window is closed: starts when it opens.</summary>
    WaitingForWindow,

    /// <summary>Being installed on the tier (by its agent, or by hand).</summary>
    Installing,

    /// <summary>Installed on the tier; the next one may be promoted.</summary>
    Installed,

    /// <summary>The installation (or a rollback) on the tier failed: retry it, or roll back.</summary>
    Failed,

    /// <summary>Installed on the last tier. A rollback is still possible.</summary>
    Completed,

    /// <summary>Restoring the last-known-good build on the tier.</summary>
    RollingBack,

    /// <summary>Closed: last-known-good restored.</summary>
    RolledBack,

    /// <summary>Closed: isda-pipeline declined.</summary>
    Declined,

    /// <summary>Closed: withdrawn before it finished.</summary>
    Cancelled,
}
