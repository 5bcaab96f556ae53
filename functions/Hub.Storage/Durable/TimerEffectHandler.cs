namespace Hub.Storage.Durable;

/// <summary>Sets a durable timer: the timer's queue message is an outbox row, so a crash cannot lose it.</summary>
public sealed class TimerEffectHandler(WorkQueue queue) : ISideEffectHandler
{
    public const string EffectKind = "hub.timer";

    public string Kind => EffectKind;

    public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return queue.ScheduleTimerAsync(WorkQueue.Parse(context.Payload), cancellationToken);
    }
}
