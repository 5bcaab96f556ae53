using System.Text.Json;
using Hub.Storage.Durable;

namespace Hub.Functions.Durable;

/// <summary>Sets an aggregate's durable timer: starts the orchestration its workflow names (<see cref="WorkflowTimerFunctions"/>).</summary>
public sealed class TimerEffect(TimeProvider clock) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateTimer.EffectKind;

    public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        AggregateTimer timer = JsonSerializer.Deserialize<AggregateTimer>(context.Payload, Json)
            ?? throw new FormatException($"Outbox row {context.IdempotencyKey} has an empty timer.");
        // The durable engine waits in real time; the due time is the hub clock's, so the engine gets the same wait. The
        // hub clock is read first: where it is the system clock, the later real time makes fireAt no earlier than DueAt.
        TimeSpan wait = timer.DueAt - clock.GetUtcNow();
        DateTimeOffset fireAt = TimeProvider.System.GetUtcNow() + wait;
        return context.Orchestrations.StartAsync(WorkflowTimerFunctions.OrchestratorFor(timer), timer.InstanceId, timer with { FireAt = fireAt }, cancellationToken);
    }
}
