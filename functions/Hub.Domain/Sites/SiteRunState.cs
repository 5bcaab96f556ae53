using System.Text.Json.Serialization;

namespace Hub.Domain.Sites;

[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,

    /// <summary>Never run: an earlier step failed without keepgoing, or the run was cancelled.</summary>
    Skipped,
}

[JsonConverter(typeof(JsonStringEnumConverter<RunOutcome>))]
public enum RunOutcome
{
    Running,
    Succeeded,

    /// <summary>At least one step failed (with keepgoing, every step still ran).</summary>
    Failed,

    Cancelled,
}

/// <summary>What the agent said of a step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepOutcome>))]
public enum StepOutcome
{
    Succeeded,
    Failed,
}

/// <summary>A planned step and how it went; <see cref="Output"/> is the tail of the agent's output, cut to the configured limit.</summary>
public sealed record RunStep(PlannedStep Plan, StepStatus Status = StepStatus.Pending)
{
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public string? Output { get; init; }

    /// <summary>The agent's output was longer than the limit; <see cref="Output"/> is its end.</summary>
    public bool OutputTruncated { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>Why a skipped step never ran.</summary>
    public string? SkipReason { get; init; }
}

/// <summary>One run of a site command: its plan, its steps as they went, and its outcome.</summary>
/// <param name="Node">The node the notice names (<c>[Site:&lt;site&gt; @ &lt;node&gt;]</c>): where the command was run from.</param>
/// <param name="Recipients">Addresses the success or failure notice goes to.</param>
public sealed record SiteRun(
    string RunId,
    SiteCommand Command,
    UpdateStrategy? Strategy,
    string? Tier,
    bool KeepGoing,
    string Node,
    IReadOnlyList<string> Recipients,
    string RequestedBy,
    DateTimeOffset StartedAt,
    IReadOnlyList<RunStep> Steps)
{
    public RunOutcome Outcome { get; init; } = RunOutcome.Running;

    public DateTimeOffset? EndedAt { get; init; }

    public string? CancelRequestedBy { get; init; }

    public DateTimeOffset? CancelRequestedAt { get; init; }

    /// <summary>The change this run installs for, if any.</summary>
    public RunForChange? Change { get; init; }

    [JsonIgnore]
    public bool Finished => Outcome != RunOutcome.Running;

    /// <summary>The step a run's orchestration should start next, or null when none is due (one running, or the run finished).</summary>
    [JsonIgnore]
    public RunStep? NextStep => Finished || Steps.Any(s => s.Status == StepStatus.Running) ? null : Steps.FirstOrDefault(s => s.Status == StepStatus.Pending);

    public RunStep? Step(string stepId) => Steps.FirstOrDefault(s => s.Plan.StepId == stepId);
}

/// <summary>
/// The runs of one site (aggregate kind "site-run", id = the site's name): at most one running, the last (newest)
/// of <see cref="Runs"/>; finished runs are kept up to the configured number, oldest dropped first.
/// </summary>
public sealed record SiteRunState
{
    public static SiteRunState None { get; } = new();

    public string Site { get; init; } = "";

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<SiteRun> Runs { get; init; } = [];

    /// <summary>The running run, which a second StartRun is refused for; null when the site is idle.</summary>
    [JsonIgnore]
    public SiteRun? Active => Runs.Count > 0 && !Runs[^1].Finished ? Runs[^1] : null;

    public SiteRun? Run(string runId) => Runs.FirstOrDefault(r => r.RunId == runId);
}
