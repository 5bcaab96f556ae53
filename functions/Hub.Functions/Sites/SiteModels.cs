using Hub.Domain.Sites;

namespace Hub.Functions.Sites;

/// <summary>A site as the hub has it.</summary>
/// <param name="Version">0 while only config/hub.yaml describes it; then 1, 2, ... per stored version (the ETag).</param>
/// <param name="Source"><c>config</c> or <c>api</c>: where the current version came from.</param>
public sealed record SiteEntry(Site Site, int Version, string Source, string? ChangedBy, DateTimeOffset? ChangedAt)
{
    public static SiteEntry From(SiteEntryState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(state.Site!, state.Version, "api", state.ChangedBy, state.ChangedAt);
    }

    public static SiteEntry FromConfig(Site seed) => new(seed, 0, "config", null, null);
}

public sealed record SiteListItem(string Name, IReadOnlyList<string> Services, int Version, string Source, RunSummary? LastRun);

public sealed record SiteList(IReadOnlyList<SiteListItem> Items);

/// <param name="Active">The run in progress, if any (a second command gets 409 until it ends).</param>
/// <param name="RecentRuns">The last five runs, newest first.</param>
public sealed record SiteView(Site Site, int Version, string Source, string? ChangedBy, DateTimeOffset? ChangedAt, RunSummary? Active, IReadOnlyList<RunSummary> RecentRuns);

/// <summary>The body of <c>POST /api/sites/{site}/commands</c>.</summary>
/// <param name="KeepGoing">Run every step even after one fails and report all failures (JSON <c>keepgoing</c>).</param>
/// <param name="Strategy">Update only: <c>stop-all</c> (the default) or <c>rolling</c>.</param>
/// <param name="Tier">Only the nodes of this deployment tier (e.g. LIVE); every tier when left out.</param>
public sealed record SiteCommandRequest(SiteCommand? Command, bool? KeepGoing, UpdateStrategy? Strategy, string? Tier);

public sealed record RunAccepted(string RunId, string Href, int Steps);

public sealed record RunSummary(
    string RunId, string Href, SiteCommand Command, UpdateStrategy? Strategy, string? Tier, bool KeepGoing, RunOutcome Outcome,
    string RequestedBy, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int Steps, int Failed, string? CancelRequestedBy)
{
    public static RunSummary Of(string site, SiteRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(
            run.RunId, SiteFunctions.RunHref(site, run.RunId), run.Command, run.Strategy, run.Tier, run.KeepGoing, run.Outcome, run.RequestedBy, run.StartedAt,
            run.EndedAt, run.Steps.Count, run.Steps.Count(s => s.Status == StepStatus.Failed), run.CancelRequestedBy);
    }
}

public sealed record RunList(IReadOnlyList<RunSummary> Items);

/// <summary>A run with its steps in the order they run.</summary>
/// <param name="Subject">The subject of the run's notice, once it has ended.</param>
public sealed record RunView(RunSummary Run, string? Subject, IReadOnlyList<StepView> Steps)
{
    public static RunView Of(string site, SiteRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(RunSummary.Of(site, run), run.Finished ? SiteRunDecider.Subject(site, run) : null, [.. run.Steps.Select(StepView.Of)]);
    }
}

/// <param name="Output">The tail of the agent's output (<paramref name="OutputTruncated"/> when cut).</param>
public sealed record StepView(
    int Index, string StepId, string Service, string Tier, string Node, string ServerTier, StepCommand Command, StepStatus Status,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, int? ExitCode, string? Output, bool OutputTruncated, string? SkipReason)
{
    public static StepView Of(RunStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        PlannedStep p = step.Plan;
        return new(p.Index, p.StepId, p.Service, p.Tier, p.Node, p.ServerTier, p.Command, step.Status, step.StartedAt, step.EndedAt, step.ExitCode, step.Output, step.OutputTruncated, step.SkipReason);
    }
}
