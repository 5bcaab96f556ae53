using Hub.Domain.Durable;

namespace Hub.Domain.Sites;

/// <summary>
/// A site's runs (aggregate kind "site-run", id = the site's name): one running run at a time, steps started and
/// completed one by one as the run's orchestration reports them, <c>keepgoing</c>, cancellation between steps, and
/// the success or failure notice when the run ends. A repeated or stale report (a start of a step already started,
/// a result for a step not running) changes nothing, so at-least-once activities are harmless.
/// </summary>
public sealed partial class SiteRunDecider(SiteRunSettings settings) : IDecider<SiteRunState, SiteRunCommand, SiteRunEvent>
{
    public const string AggregateKind = "site-run";

    /// <summary>The side effect of a run's start: start its orchestration (payload: <see cref="SiteRunStart"/>).</summary>
    public const string StartEffect = "site-run.start";

    public SiteRunDecider()
        : this(SiteRunSettings.Default)
    {
    }

    public string Kind => AggregateKind;

    /// <summary>The aggregate id of a site's runs: site names compare case-insensitively.</summary>
    public static string Id(string site) => (site ?? throw new ArgumentNullException(nameof(site))).ToLowerInvariant();

    public SiteRunState Initial => SiteRunState.None;

    public Result<Decision<SiteRunEvent>> Decide(SiteRunState state, SiteRunCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (command is StartRun start)
        {
            return Start(state, start, now);
        }

        string? runId = command switch
        {
            StepStarted c => c.RunId,
            StepCompleted c => c.RunId,
            CancelRun c => c.RunId,
            _ => null,
        };
        if (runId is null)
        {
            return Reject($"Unknown site run command {command.GetType().Name}.");
        }

        if (state.Run(runId) is not { } run)
        {
            return Reject($"Site '{state.Site}' has no run '{runId}'.");
        }

        return command switch
        {
            StepStarted c => Begin(run, c, now),
            StepCompleted c => Complete(state, run, c, now),
            _ => Cancel(state, run, (CancelRun)command, now),
        };
    }

    public SiteRunState Evolve(SiteRunState state, SiteRunEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            RunStarted e => state with
            {
                Site = e.Site,
                Runs = [.. Kept(state.Runs), new SiteRun(e.RunId, e.Command, e.Strategy, e.Tier, e.KeepGoing, e.Node, e.Recipients, e.Actor, e.At, [.. e.Steps.Select(s => new RunStep(s))]) { Change = e.Change }],
            },
            StepRunning e => Update(state, e.RunId, run => run with { Steps = Steps(run, [e.StepId], s => s with { Status = StepStatus.Running, StartedAt = e.At }) }),
            StepRecorded e => Update(state, e.RunId, run => run with
            {
                Steps = Steps(run, [e.StepId], s => s with
                {
                    Status = e.Outcome == StepOutcome.Succeeded ? StepStatus.Succeeded : StepStatus.Failed,
                    EndedAt = e.At, Output = e.Output, OutputTruncated = e.OutputTruncated, ExitCode = e.ExitCode,
                }),
            }),
            StepsSkipped e => Update(state, e.RunId, run => run with { Steps = Steps(run, e.StepIds, s => s with { Status = StepStatus.Skipped, SkipReason = e.Reason }) }),
            RunCancelRequested e => Update(state, e.RunId, run => run with { CancelRequestedBy = e.Actor, CancelRequestedAt = e.At }),
            RunFinished e => Update(state, e.RunId, run => run with { Outcome = e.Outcome, EndedAt = e.At }),
            _ => state,
        };
    }

    public Result<SiteRunCommand> OnTimer(SiteRunState state, TimerFired timer) =>
        Result<SiteRunCommand>.Rejected("Site runs set no timers: their orchestration owns every wait.");

    public string? StateName(SiteRunState state) =>
        state is { Runs.Count: > 0 } ? state.Runs[^1].Outcome.ToString().ToLowerInvariant() : null;

    private static Result<Decision<SiteRunEvent>> Start(SiteRunState state, StartRun c, DateTimeOffset now)
    {
        SitePlan? plan = c.Plan;
        if (plan is null || plan.Steps is not { Count: > 0 })
        {
            return Reject("plan: a run needs at least one step.");
        }

        if (state.Run(plan.RunId) is not null)
        {
            return Ok([]); // a redelivered start: the run exists, its orchestration carries on
        }

        if (state.Active is { } active)
        {
            return Reject($"Site '{state.Site}' is running {active.RunId} ({active.Command}, started {active.StartedAt:O} by {active.RequestedBy}); one run per site at a time.");
        }

        if (state.Site.Length > 0 && !string.Equals(state.Site, plan.Site, StringComparison.OrdinalIgnoreCase))
        {
            return Reject($"The plan is for site '{plan.Site}', not '{state.Site}'.");
        }

        if (string.IsNullOrWhiteSpace(c.Node))
        {
            return Reject("node: required (the node the notice names).");
        }

        var distinct = new HashSet<string>(plan.Steps.Select(s => s.StepId), StringComparer.Ordinal);
        if (distinct.Count != plan.Steps.Count)
        {
            return Reject("plan: step ids must be unique within a run.");
        }

        return Result<Decision<SiteRunEvent>>.Ok(new Decision<SiteRunEvent>(
            [new RunStarted(plan.RunId, plan.Site, plan.Command, plan.Strategy, plan.Tier, plan.KeepGoing, c.Node.Trim(), c.Recipients ?? [], c.Actor, plan.Steps, now, c.Change)],
            [SiteRunStart.Effect(new SiteRunStart(plan.Site, plan.RunId))]));
    }

    private static Result<Decision<SiteRunEvent>> Begin(SiteRun run, StepStarted c, DateTimeOffset now)
    {
        if (run.Step(c.StepId) is not { } step)
        {
            return Reject($"Run {run.RunId} has no step '{c.StepId}'.");
        }

        switch (step.Status)
        {
            case StepStatus.Running or StepStatus.Succeeded or StepStatus.Failed:
                return Ok([]); // already started: a repeated report; the step's status tells the caller what happened
            case StepStatus.Skipped:
                return Reject($"Step {c.StepId} of run {run.RunId} was skipped ({step.SkipReason}); it is not run.");
        }

        if (run.Steps.FirstOrDefault(s => s.Status == StepStatus.Running) is { } running)
        {
            return Reject($"Run {run.RunId} is running step {running.Plan.StepId}; steps run one at a time.");
        }

        return run.NextStep?.Plan.StepId != c.StepId
            ? Reject($"Run {run.RunId} runs its steps in order; the next is {run.NextStep?.Plan.StepId}, not {c.StepId}.")
            : Ok([new StepRunning(run.RunId, c.StepId, now)]);
    }

    private Result<Decision<SiteRunEvent>> Complete(SiteRunState state, SiteRun run, StepCompleted c, DateTimeOffset now)
    {
        if (run.Step(c.StepId) is not { } step)
        {
            return Reject($"Run {run.RunId} has no step '{c.StepId}'.");
        }

        if (step.Status != StepStatus.Running)
        {
            return Ok([]); // a duplicate or stale result (the step already has one, or never started): the first answer stands
        }

        (string? output, bool truncated) = Tail(c.Output);
        var recorded = new StepRecorded(run.RunId, c.StepId, c.Outcome, output, truncated, c.ExitCode, now);
        var events = new List<SiteRunEvent> { recorded };
        SiteRun after = Evolve(state, recorded).Run(run.RunId)!;
        if (c.Outcome == StepOutcome.Failed && !run.KeepGoing)
        {
            return Finish(state, events, after, RunOutcome.Failed, $"step {c.StepId} failed and the run has no keepgoing", now);
        }

        if (after.CancelRequestedBy is { } by)
        {
            return Finish(state, events, after, RunOutcome.Cancelled, $"cancelled by {by}", now);
        }

        if (after.Steps.All(s => s.Status is not (StepStatus.Pending or StepStatus.Running)))
        {
            bool failed = after.Steps.Any(s => s.Status == StepStatus.Failed);
            return Finish(state, events, after, failed ? RunOutcome.Failed : RunOutcome.Succeeded, "", now);
        }

        return Ok(events);
    }

    private Result<Decision<SiteRunEvent>> Cancel(SiteRunState state, SiteRun run, CancelRun c, DateTimeOffset now)
    {
        if (run.Finished)
        {
            return Reject($"Run {run.RunId} already finished ({run.Outcome}); there is nothing to cancel.");
        }

        if (run.CancelRequestedBy is not null)
        {
            return Ok([]); // asked twice: the running step's end finishes the run
        }

        var requested = new RunCancelRequested(run.RunId, c.Actor, now);
        if (run.Steps.Any(s => s.Status == StepStatus.Running))
        {
            return Ok([requested]);
        }

        SiteRun after = Evolve(state, requested).Run(run.RunId)!;
        return Finish(state, [requested], after, RunOutcome.Cancelled, $"cancelled by {c.Actor}", now);
    }

    /// <summary>Skips what is left, ends the run, and asks for the notice and, for failed steps, the service tickets.</summary>
    private Result<Decision<SiteRunEvent>> Finish(SiteRunState state, List<SiteRunEvent> events, SiteRun run, RunOutcome outcome, string skipReason, DateTimeOffset now)
    {
        var pending = run.Steps.Where(s => s.Status == StepStatus.Pending).Select(s => s.Plan.StepId).ToList();
        if (pending.Count > 0)
        {
            events.Add(new StepsSkipped(run.RunId, pending, skipReason, now));
        }

        var finished = new RunFinished(run.RunId, outcome, now);
        events.Add(finished);
        SiteRunState folded = events.Aggregate(state, Evolve);
        SiteRun done = folded.Run(run.RunId)!;
        return Result<Decision<SiteRunEvent>>.Ok(new Decision<SiteRunEvent>(events, Effects(folded.Site, done)));
    }

    /// <summary>The end of <paramref name="output"/>, at most the configured limit, never splitting a surrogate pair.</summary>
    private (string? Output, bool Truncated) Tail(string? output)
    {
        int limit = Math.Max(0, settings.OutputTailLimit);
        if (output is null || output.Length <= limit)
        {
            return (output, false);
        }

        int start = output.Length - limit;
        if (start < output.Length && char.IsLowSurrogate(output[start]))
        {
            start++;
        }

        return (output[start..], true);
    }

    private IEnumerable<SiteRun> Kept(IReadOnlyList<SiteRun> runs) => runs.Skip(Math.Max(0, runs.Count - Math.Max(0, settings.KeptRuns - 1)));

    private static SiteRunState Update(SiteRunState state, string runId, Func<SiteRun, SiteRun> change) =>
        state with { Runs = [.. state.Runs.Select(r => r.RunId == runId ? change(r) : r)] };

    private static IReadOnlyList<RunStep> Steps(SiteRun run, IReadOnlyList<string> ids, Func<RunStep, RunStep> change) =>
        [.. run.Steps.Select(s => ids.Contains(s.Plan.StepId) ? change(s) : s)];

    private static Result<Decision<SiteRunEvent>> Ok(List<SiteRunEvent> events) => Result<Decision<SiteRunEvent>>.Ok(new Decision<SiteRunEvent>(events));

    private static Result<Decision<SiteRunEvent>> Reject(string reason) => Result<Decision<SiteRunEvent>>.Rejected(reason);
}
