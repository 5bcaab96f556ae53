using Hub.Domain.Durable;

namespace Hub.Storage.Durable;

/// <summary>
/// Hears what each <see cref="AggregateCommand"/> tagged with a webhook delivery (<see cref="AggregateCommand.Delivery"/>)
/// did, so the delivery's record shows it: applied, refused with the reason, or applied before.
/// </summary>
public interface IDeliveryObserver
{
    /// <param name="effectKey">The outbox row's idempotency key: the same for every retry of the row.</param>
    Task OnCommandAsync(string delivery, AggregateCommand command, string effectKey, CommandReport report, CancellationToken cancellationToken);
}
