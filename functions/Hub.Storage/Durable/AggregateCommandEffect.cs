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

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        AggregateCommand command = AggregateCommand.Parse(context.Payload);
        if (!_aggregates.Value.TryGetValue(command.Kind, out IAggregateHandler? aggregate))
        {
            throw new InvalidOperationException($"Outbox row {context.IdempotencyKey} commands aggregate kind '{command.Kind}', which this hub does not have.");
        }

        await (command.Creates
            ? aggregate.HandleNewJsonAsync(command.Id, context.IdempotencyKey, command.Command, command.Actor, cancellationToken)
            : aggregate.HandleJsonAsync(command.Id, context.IdempotencyKey, command.Command, command.Actor, cancellationToken)).ConfigureAwait(false);
    }
}
