using System.Text.Json.Serialization;

namespace Hub.Domain.Sites;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RunStarted), "run-started")]
[JsonDerivedType(typeof(StepRunning), "step-running")]
[JsonDerivedType(typeof(StepRecorded), "step-recorded")]
[JsonDerivedType(typeof(StepsSkipped), "steps-skipped")]
[JsonDerivedType(typeof(RunCancelRequested), "cancel-requested")]
[JsonDerivedType(typeof(RunFinished), "run-finished")]
public abstract record SiteRunEvent(string RunId, DateTimeOffset At);

public sealed record RunStarted(
    string RunId, string Site, SiteCommand Command, UpdateStrategy? Strategy, string? Tier, bool KeepGoing, string Node,
    IReadOnlyList<string> Recipients, string Actor, IReadOnlyList<PlannedStep> Steps, DateTimeOffset At, RunForChange? Change = null) : SiteRunEvent(RunId, At);

public sealed record StepRunning(string RunId, string StepId, DateTimeOffset At) : SiteRunEvent(RunId, At);

public sealed record StepRecorded(string RunId, string StepId, StepOutcome Outcome, string? Output, bool OutputTruncated, int? ExitCode, DateTimeOffset At)
    : SiteRunEvent(RunId, At);

public sealed record StepsSkipped(string RunId, IReadOnlyList<string> StepIds, string Reason, DateTimeOffset At) : SiteRunEvent(RunId, At);

public sealed record RunCancelRequested(string RunId, string Actor, DateTimeOffset At) : SiteRunEvent(RunId, At);

public sealed record RunFinished(string RunId, RunOutcome Outcome, DateTimeOffset At) : SiteRunEvent(RunId, At);
