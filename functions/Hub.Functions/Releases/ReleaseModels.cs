using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Tickets;

namespace Hub.Functions.Releases;

public sealed record NewRelease(
    string? Title,
    string? Provider,
    bool? Emergency,
    string? AssociatedMajorRelease,
    ReleaseType? ReleaseType,
    string? SyncProtocol,
    string? SyncUrl,
    string? ReleaseXmlUrl,
    IReadOnlyList<string>? Watchers);

/// <param name="Override">An admin's explicit override (emergency release straight to Production).</param>
public sealed record TransitionRequest(RolloutProgress? To, string? Reason, bool? Override, string? QualityCriteriaReportUrl);

/// <param name="Result">accept or reject.</param>
public sealed record StageRolloutReportRequest(string? Team, string? Result, string? ReportUrl, string? Comment);

public sealed record ConsolidatedReportRequest(string? ReportUrl);

public sealed record ReleaseSummary(
    long Number, string Title, RolloutProgress RolloutProgress, string Status, bool Emergency, string? AssociatedMajorRelease, string? Owner,
    string? RepositoryUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ReleaseSummary From(ReleaseState r) => new(
        r.Number, r.Title, r.Progress, r.Status, r.Emergency, r.MajorRelease, r.Owner, r.RepositoryUrl, r.CreatedAt, r.UpdatedAt);
}

public sealed record ReleaseList(IReadOnlyList<ReleaseSummary> Items, string? Continuation);

/// <summary>A release with its status, time in each state (seconds) and history.</summary>
/// <param name="ActiveSeconds">Time open, less the pauses in WaitingForResponse and Deferred.</param>
/// <param name="PausedSeconds">Time in WaitingForResponse and Deferred.</param>
public sealed record ReleaseDetail(
    ReleaseState Release,
    string Status,
    IReadOnlyDictionary<RolloutProgress, double> SecondsInState,
    double ActiveSeconds,
    double PausedSeconds,
    IReadOnlyList<HistoryEntry> History);

internal static class ReleaseJson
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ReleaseState State(string json) => JsonSerializer.Deserialize<ReleaseState>(json, Json) ?? ReleaseState.None;
}
