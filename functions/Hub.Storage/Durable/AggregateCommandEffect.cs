using Hub.Domain.Durable;

namespace Hub.Storage.Durable;

/// <summary>Delivers <see cref="AggregateCommand"/> side effects to the aggregate they name.</summary>
/// <remarks>
/// The aggregates are resolved on first use: they depend on the outbox dispatcher, which depends on this effect.
/// </remarks>
public sealed class AggregateCommandEffect(Func<IEnumerable<IAggregateHandler>> aggregates) : ISideEffectHandler
{
    private readonly Lazy<Dictionary<string, IAggregateHandler>> _aggregates =
        new(() => aggregates().ToDictionary(a => a.Kind, StringComparer.Ordinal));

    public string Kind => AggregateCommand.EffectKind;

    public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DeliverAsync(AggregateCommand.Parse(context.Payload), context.IdempotencyKey, cancellationToken);
    }

    /// <summary>Applies <paramref name="command"/> to its aggregate under <paramref name="messageId"/>, which makes a repeat a no-op.</summary>
    public async Task<CommandStatus> DeliverAsync(AggregateCommand command, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_aggregates.Value.TryGetValue(command.Kind, out IAggregateHandler? aggregate))
        {
            throw new InvalidOperationException($"Message {messageId} commands aggregate kind '{command.Kind}', which this hub does not have.");
        }

        return await (command.Creates
            ? aggregate.HandleNewJsonAsync(command.Id, messageId, command.Command, command.Actor, cancellationToken)
            : aggregate.HandleJsonAsync(command.Id, messageId, command.Command, command.Actor, cancellationToken)).ConfigureAwait(false);
    }
}
