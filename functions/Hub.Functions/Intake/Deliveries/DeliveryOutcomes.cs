using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using Hub.Storage.Durable;

namespace Hub.Functions.Intake.Deliveries;

/// <summary>
/// Records what each command a delivery sent on did (<see cref="IDeliveryObserver"/>), and says on the ticket when a
/// ticket refused one: an internal comment with the reason, so staff see what the source asked for and why it did not
/// happen. The comment is sent straight to the ticket, not as a delivery's command, so it is never reported on (no
/// loop), and a comment is refused only by a ticket that does not exist.
/// </summary>
public sealed class DeliveryOutcomes(
    DeliveryRecords records,
    AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
    ILogger<DeliveryOutcomes> logger) : IDeliveryObserver
{
    /// <summary>Who the hub's notes about deliveries are from.</summary>
    public static readonly Actor NoteActor = new("hub:deliveries", Role.Integrator);

    public async Task OnCommandAsync(string delivery, AggregateCommand command, string effectKey, CommandReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(report);
        long? ticket = command.Kind == TicketDecider.AggregateKind && long.TryParse(command.Id, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
        string target = $"{command.Kind} {command.Id}";
        string name = CommandName(command);
        var entry = new DeliveryReport(effectKey, target, report.Status.ToString(), report.Reason is null ? null : $"{name} refused: {report.Reason}", report.Changes);
        await records.ReportAsync(delivery, entry, ticket, cancellationToken);
        if (report.Status == CommandStatus.Rejected && ticket is { } number)
        {
            // Keyed by the outbox row: a retry of the row (or of this note) adds the note once.
            await NoteAsync(number, $"delivery-note:{effectKey}", $"Delivery {delivery} was not applied here: {entry.Reason}", cancellationToken);
        }
    }

    /// <summary>An internal comment on the ticket about a delivery, once per <paramref name="messageId"/>.</summary>
    public async Task NoteAsync(long number, string messageId, string note, CancellationToken cancellationToken)
    {
        CommandOutcome<TicketState> outcome = await tickets.HandleAsync(
            number.ToString(CultureInfo.InvariantCulture), messageId, new Comment(NoteActor, note), NoteActor.Name, cancellationToken);
        if (outcome.Status == CommandStatus.Rejected)
        {
            logger.LogWarning("Ticket {Ticket} refused the delivery note {MessageId}: {Reason}", number, messageId, outcome.Reason);
        }
    }

    private static string CommandName(AggregateCommand command)
    {
        using JsonDocument json = JsonDocument.Parse(command.Command);
        return json.RootElement.TryGetProperty("type", out JsonElement type) && type.GetString() is { } name ? name : command.Kind;
    }
}
