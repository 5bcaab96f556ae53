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

    [System.Text.Json.Serialization.JsonIgnore]
    public string InstanceId => "timer:" + Token;
}
