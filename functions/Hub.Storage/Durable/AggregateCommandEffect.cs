using Hub.Domain.Durable;

namespace Hub.Storage.Durable;

/// <summary>Delivers <see cref="AggregateCommand"/> side effects to the aggregate they name.</summary>
/// <remarks>
/// The aggregates (and the delivery observer) are resolved on first use: they depend on the outbox dispatcher, which
/// depends on this effect. A command tagged with a delivery has its outcome reported to the observer, which records it
/// on the delivery's record; a command without one is delivered as before.
/// </remarks>
public sealed class AggregateCommandEffect(Func<IEnumerable<IAggregateHandler>> aggregates, Func<IDeliveryObserver?>? observer = null) : ISideEffectHandler
{
    private readonly Lazy<IDeliveryObserver?> _observer = new(() => observer?.Invoke());

    private readonly Lazy<Dictionary<string, IAggregateHandler>> _aggregates =
        new(() => aggregates().ToDictionary(a => a.Kind, StringComparer.Ordinal));

    public string Kind => AggregateCommand.EffectKind;

    public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        AggregateCommand command = AggregateCommand.Parse(context.Payload);
        return command.Delivery is { } delivery && _observer.Value is { } watching
            ? DeliverReportingAsync(command, delivery, context.IdempotencyKey, watching, cancellationToken)
            : DeliverAsync(command, context.IdempotencyKey, cancellationToken);
    }

    private async Task DeliverReportingAsync(
        AggregateCommand command, string delivery, string messageId, IDeliveryObserver watching, CancellationToken cancellationToken)
    {
        CommandReport report = await Aggregate(command, messageId)
            .HandleJsonReportingAsync(command.Id, messageId, command.Command, command.Actor, command.Creates, cancellationToken).ConfigureAwait(false);
        // A failure to record throws, so the row is retried: the command is a duplicate then, and the report is made again.
        await watching.OnCommandAsync(delivery, command, messageId, report, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies <paramref name="command"/> to its aggregate under <paramref name="messageId"/>, which makes a repeat a no-op.</summary>
    public async Task<CommandStatus> DeliverAsync(AggregateCommand command, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        IAggregateHandler aggregate = Aggregate(command, messageId);
        return await (command.Creates
            ? aggregate.HandleNewJsonAsync(command.Id, messageId, command.Command, command.Actor, cancellationToken)
            : aggregate.HandleJsonAsync(command.Id, messageId, command.Command, command.Actor, cancellationToken)).ConfigureAwait(false);
    }

    private IAggregateHandler Aggregate(AggregateCommand command, string messageId) =>
        _aggregates.Value.TryGetValue(command.Kind, out IAggregateHandler? aggregate)
            ? aggregate
            : throw new InvalidOperationException($"Message {messageId} commands aggregate kind '{command.Kind}', which this hub does not have.");
}
