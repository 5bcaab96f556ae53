using Hub.Domain.Incidents;
using Hub.Domain.Releases;
using Hub.Storage.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Hub.Functions.Durable;

/// <summary>
/// The orchestrations behind the workflows' waits, one name per wait, so the Durable monitor and
/// <c>GET /api/admin/orchestrations</c> show what each instance is for. Each waits on a durable timer until the
/// aggregate's due time and fires it through <see cref="AggregateTimer.FireActivity"/>; the aggregate decides what the
/// firing does (page the next level, chase, enforce a deadline) and drops a timer it no longer holds. The instance id
/// is the timer's token: the business id, the timer and the commit that set it (<c>incident:42:escalation:7</c>).
/// </summary>
public sealed class WorkflowTimerFunctions
{
    /// <summary>An incident's acknowledgement deadline at its current level: when it passes, the next level is paged.</summary>
    public const string IncidentEscalation = "IncidentEscalation";

    /// <summary>Keep-chasing an acknowledged incident that is still open.</summary>
    public const string IncidentChase = "IncidentChase";

    /// <summary>The reminder that a resolved incident's post-mortem is due.</summary>
    public const string PostMortemChase = "PostMortemChase";

    /// <summary>How long a release may stay in its RolloutProgress state (release.xml fetch, unverified, stage rollout).</summary>
    public const string ReleaseDeadline = "ReleaseDeadline";

    private static readonly Dictionary<(string Kind, string Timer), string> ByTimer = new()
    {
        [(IncidentDecider.AggregateKind, IncidentDecider.EscalationTimer)] = IncidentEscalation,
        [(IncidentDecider.AggregateKind, IncidentDecider.ChaseTimer)] = IncidentChase,
        [(IncidentDecider.AggregateKind, IncidentDecider.PostMortemTimer)] = PostMortemChase,
        [(ReleaseDecider.AggregateKind, ReleaseDecider.DeadlineTimer)] = ReleaseDeadline,
    };

    /// <summary>Every orchestration that waits for an aggregate timer, <see cref="AggregateTimer.Orchestrator"/> included.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(ByTimer.Values.Append(AggregateTimer.Orchestrator), StringComparer.Ordinal);

    /// <summary>The orchestration for <paramref name="timer"/>; <see cref="AggregateTimer.Orchestrator"/> for a timer no workflow names.</summary>
    public static string OrchestratorFor(AggregateTimer timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return ByTimer.GetValueOrDefault((timer.AggregateKind, timer.Name), AggregateTimer.Orchestrator);
    }

    [Function(IncidentEscalation)]
    public static Task IncidentEscalationAsync([OrchestrationTrigger] TaskOrchestrationContext context) => EffectFunctions.WaitAndFireAsync(context);

    [Function(IncidentChase)]
    public static Task IncidentChaseAsync([OrchestrationTrigger] TaskOrchestrationContext context) => EffectFunctions.WaitAndFireAsync(context);

    [Function(PostMortemChase)]
    public static Task PostMortemChaseAsync([OrchestrationTrigger] TaskOrchestrationContext context) => EffectFunctions.WaitAndFireAsync(context);

    [Function(ReleaseDeadline)]
    public static Task ReleaseDeadlineAsync([OrchestrationTrigger] TaskOrchestrationContext context) => EffectFunctions.WaitAndFireAsync(context);
}
