using Hub.Storage.Durable;

namespace Hub.Storage.Tickets;

public static class NumberedCommands
{
    /// <summary>
    /// Applies a command that may have to open a ticket. It is first sent without a number; only when the aggregate
    /// refuses with <paramref name="needsNumber"/> is a number reserved and the command sent again, so duplicates and
    /// updates leave no gaps in the numbering.
    /// </summary>
    public static async Task<CommandOutcome<TState>> HandleReservingAsync<TState, TCommand, TEvent>(
        this TicketNumbers numbers,
        AggregateProcessor<TState, TCommand, TEvent> processor,
        string aggregateId,
        string? messageId,
        Func<long, TCommand> command,
        string needsNumber,
        string actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(command);
        return await LoopAsync(numbers, processor, aggregateId, messageId, command, needsNumber, actor, 0, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For a caller that has just read the aggregate (<paramref name="basis"/>) and knows from it that the command opens
    /// a ticket: reserves the number first and decides on the basis, one commit and no read or refusal in between. Should
    /// the aggregate still ask for a number, this continues as <see cref="HandleReservingAsync"/> does. A concurrent
    /// duplicate that loses the race leaves its number unused: a gap, as racing deliveries could already leave.
    /// </summary>
    public static async Task<CommandOutcome<TState>> HandleWithNewNumberAsync<TState, TCommand, TEvent>(
        this TicketNumbers numbers,
        AggregateProcessor<TState, TCommand, TEvent> processor,
        string aggregateId,
        string? messageId,
        Func<long, TCommand> command,
        string needsNumber,
        string actor,
        AggregateBasis basis,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(command);
        long candidate = await numbers.NextAsync(cancellationToken).ConfigureAwait(false);
        return await LoopAsync(numbers, processor, aggregateId, messageId, command, needsNumber, actor, candidate, basis, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<CommandOutcome<TState>> LoopAsync<TState, TCommand, TEvent>(
        TicketNumbers numbers,
        AggregateProcessor<TState, TCommand, TEvent> processor,
        string aggregateId,
        string? messageId,
        Func<long, TCommand> command,
        string needsNumber,
        string actor,
        long candidate,
        AggregateBasis? basis,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            CommandOutcome<TState> outcome = await processor.HandleAsync(aggregateId, messageId, command(candidate), actor, basis, cancellationToken).ConfigureAwait(false);
            if (outcome.Status != CommandStatus.Rejected || outcome.Reason != needsNumber)
            {
                return outcome;
            }

            candidate = await numbers.NextAsync(cancellationToken).ConfigureAwait(false);
            // The command with the number is decided on the state the refusal saw: no second read unless it moved.
            basis = outcome.Basis;
        }
    }
}
