using Hub.Domain.Sites;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Sites;

/// <summary>
/// One orchestration per site run (<see cref="SiteRunStart.InstanceId"/>). It asks the run's aggregate for the next
/// step (which records the step as started), sends it to the node's agent, records the result, and goes on until the
/// aggregate says the run is over: a failure without keepgoing, the last step, or a cancel between steps. The
/// aggregate decides; the orchestration only carries steps to agents, so a hub that restarts mid-run replays the
/// steps already done from its history and sends the one in flight again under the same step id, which the agent
/// answers from its record instead of running the command twice.
/// </summary>
public sealed class SiteRunFunctions(
    AggregateProcessor<SiteRunState, SiteRunCommand, SiteRunEvent> runs,
    SiteAgentClient agentClient,
    SiteAgents agents,
    OutboxDispatcher outbox,
    DurableStorage storage,
    HubHostInfo host)
{
    public const string Orchestrator = "SiteRun";
    public const string AdvanceActivity = "SiteRun_Advance";
    public const string CallActivity = "SiteRun_Call";

    /// <summary>Who records what the agents report.</summary>
    public const string Actor = "hub:sites";

    // No connection, a timeout or a 5xx: tried again four times over about half a minute, then the step fails.
    private static readonly TaskOptions AgentRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(15)));

    // Recording in storage is waited out, never given up: an outage must not end a run half-recorded.
    private static readonly TaskOptions StorageRetry = EffectFunctions.Retry(EffectRetryPolicy.Default with { GiveUpAfter = TimeSpan.FromDays(7) });

    /// <summary>The external event that carries an agent's callback for a step to the run's orchestration.</summary>
    public static string ResultEvent(string stepId) => "step-result:" + stepId;

    [Function(Orchestrator)]
    public static async Task RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SiteRunStart run = context.GetInput<SiteRunStart>() ?? throw new InvalidOperationException("A site run needs its input.");
        StepReport? completed = null;
        while (true)
        {
            SiteRunNext next = await context.CallActivityAsync<SiteRunNext>(AdvanceActivity, new SiteRunAdvance(run.Site, run.RunId, completed), StorageRetry);
            if (next.Step is not { } step)
            {
                return;
            }

            completed = await RunStepAsync(context, step, next.AgentUrl!);
        }
    }

    private static async Task<StepReport> RunStepAsync(TaskOrchestrationContext context, AgentStepRequest step, string agentUrl)
    {
        AgentAnswer answer;
        try
        {
            answer = await context.CallActivityAsync<AgentAnswer>(CallActivity, new SiteStepCall(step, agentUrl), AgentRetry);
        }
        catch (TaskFailedException e)
        {
            return StepReport.Failed(step.StepId, e.FailureDetails.ErrorMessage);
        }

        if (answer.Result is { } result)
        {
            return StepReport.Of(result);
        }

        if (!answer.Accepted)
        {
            return StepReport.Failed(step.StepId, answer.Refusal ?? "the agent refused the step");
        }

        TimeSpan wait = TimeSpan.FromSeconds(step.TimeoutSeconds) + SiteAgentClient.AnswerMargin;
        try
        {
            return StepReport.Of(await context.WaitForExternalEvent<AgentStepResult>(ResultEvent(step.StepId), wait));
        }
        catch (TaskCanceledException)
        {
            return StepReport.Failed(step.StepId, $"the agent accepted the step but sent no result within {wait.TotalSeconds:0} s");
        }
    }

    /// <summary>Records the step just done (if any), then starts the next one: null when the run is over.</summary>
    [Function(AdvanceActivity)]
    public async Task<SiteRunNext> AdvanceAsync([ActivityTrigger] SiteRunAdvance input, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await storage.EnsureAsync(ct);
        string id = SiteRunDecider.Id(input.Site);
        // The end-of-run notice and tickets go out from here, not after another queue hop.
        using (InlineEffects.Run(outbox, new DurableStarter(client)))
        {
            if (input.Completed is { } done)
            {
                await runs.HandleAsync(id, $"{input.RunId}:{done.StepId}:completed",
                    new StepCompleted(Actor, input.RunId, done.StepId, done.Outcome, done.Output, done.ExitCode), Actor, ct);
            }

            SiteRun? run = (await runs.GetAsync(id, ct))?.State.Run(input.RunId);
            if (run is null || run.Finished)
            {
                return new SiteRunNext(null, null);
            }

            RunStep? step = run.Steps.FirstOrDefault(s => s.Status == StepStatus.Running) ?? run.NextStep;
            if (step is null)
            {
                return new SiteRunNext(null, null);
            }

            if (step.Status == StepStatus.Pending)
            {
                CommandOutcome<SiteRunState> started = await runs.HandleAsync(
                    id, $"{input.RunId}:{step.Plan.StepId}:started", new StepStarted(Actor, input.RunId, step.Plan.StepId), Actor, ct);
                if (started.Status == CommandStatus.Rejected || started.State.Run(input.RunId) is not { Finished: false })
                {
                    return new SiteRunNext(null, null); // cancelled meanwhile
                }
            }

            return new SiteRunNext(Request(input.Site, run, step.Plan), step.Plan.AgentUrl);
        }
    }

    /// <summary>Sends the step; transient failures throw for the orchestration's retries.</summary>
    [Function(CallActivity)]
    public Task<AgentAnswer> CallAsync([ActivityTrigger] SiteStepCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        return agentClient.SendAsync(call.Step, call.AgentUrl, ct);
    }

    private AgentStepRequest Request(string site, SiteRun run, PlannedStep step) => new(
        run.RunId, step.StepId, site, step.Service, step.Node, step.Tier, step.Command, (int)Math.Ceiling(agents.Timeout(step.Command).TotalSeconds),
        new Uri(host.PublicUrl, $"api/hooks/agents/{Uri.EscapeDataString(site)}/runs/{Uri.EscapeDataString(run.RunId)}").AbsoluteUri,
        run.Change?.Version, run.Change?.Build);
}

public sealed record SiteRunAdvance(string Site, string RunId, StepReport? Completed);

/// <summary>The step to send next, and where; both null when the run is over.</summary>
public sealed record SiteRunNext(AgentStepRequest? Step, string? AgentUrl);

public sealed record SiteStepCall(AgentStepRequest Step, string AgentUrl);

/// <summary>What a step came to, as the orchestration hands it to the aggregate.</summary>
public sealed record StepReport(string StepId, StepOutcome Outcome, string? Output, int? ExitCode)
{
    public static StepReport Of(AgentStepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string? output = result.TimedOut ? $"{result.Output}\n[timed out: the agent killed the command]".TrimStart('\n') : result.Output;
        return new StepReport(result.StepId, result.Outcome, output, result.ExitCode);
    }

    public static StepReport Failed(string stepId, string reason) => new(stepId, StepOutcome.Failed, reason, null);
}
