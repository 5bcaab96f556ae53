namespace Hub.Storage.Durable;

/// <summary>Performs one kind of side effect (send a mail, call a connector, set a timer).</summary>
public interface ISideEffectHandler
{
    string Kind { get; }

    /// <summary>
    /// Runs the effect. Delivery is at least once (a crash after the effect but before the outbox row is completed
    /// repeats it), so the effect must pass <see cref="SideEffectContext.IdempotencyKey"/> to whatever it calls.
    /// </summary>
    Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Called once when the effect is given up (its retries ran out): make the failure visible where the people it
    /// concerns look (the aggregate's history, a mail). The row is already marked failed; the default does nothing more.
    /// </summary>
    Task GiveUpAsync(SideEffectContext context, string error, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>An outbox row being dispatched. The idempotency key and the creation time are the same on every retry of the row.</summary>
/// <param name="Orchestrations">Starts orchestrations, for an effect that is one (a durable timer).</param>
/// <param name="CreatedAt">When the command that wrote the row was committed (the row's CreatedAt).</param>
public sealed record SideEffectContext(string Partition, string OutboxId, string Kind, string Payload, IOrchestrationStarter Orchestrations, DateTimeOffset CreatedAt)
{
    public string IdempotencyKey => $"{Partition}/{OutboxId}";
}
