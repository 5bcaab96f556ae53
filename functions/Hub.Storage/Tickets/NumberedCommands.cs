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
        long candidate = 0;
        AggregateBasis? basis = null;
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
