namespace Hub.Storage.Durable;

/// <summary>
/// A durable timer an aggregate asked for, as its outbox row carries it. The row's effect starts the
/// <see cref="Orchestrator"/> orchestration (instance <see cref="InstanceId"/>), which waits on a durable timer and
/// then fires it through <see cref="IAggregateHandler.FireTimerAsync"/>; a timer cancelled or superseded meanwhile
/// has a stale token and is dropped there.
/// </summary>
/// <param name="DueAt">When it is due by the hub's clock (<see cref="TimeProvider"/>), as the aggregate asked.</param>
/// <param name="FireAt">
/// When the durable engine, which keeps real time, fires it: the same instant unless the hub runs on another clock (a
/// test's), set when the timer is started.
/// </param>
public sealed record AggregateTimer(
    string AggregateKind, string AggregateId, string Name, string Token, DateTimeOffset DueAt, string Payload = "", DateTimeOffset? FireAt = null)
{
    public const string EffectKind = "hub.timer";
    public const string Orchestrator = "AggregateTimer";
    public const string FireActivity = "AggregateTimer_Fire";

    /// <summary>
    /// The orchestration's instance id: the token, which names the aggregate, the timer and the commit that set it
    /// (<c>incident:42:escalation:7</c>). Tokens of timers set before that were 32 hex digits, run as <c>timer:&lt;token&gt;</c>.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string InstanceId => Token.Contains(':', StringComparison.Ordinal) ? Token : "timer:" + Token;
}
