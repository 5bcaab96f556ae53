using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Incidents;

namespace Hub.Domain.Tickets;

// An Urgent ticket opens its incident: classified Urgent at intake (an alert's severity), created with the
// Classification field set to Urgent, or given that value later by an operator. The OpenIncident command travels as an
// aggregate.command side effect committed with the ticket's change, so it is applied exactly once; an incident that
// is already open refuses it (logged), which makes a second Urgent classification harmless.
public sealed partial class TicketDecider
{
    public const string ClassificationField = "Classification";

    private static SideEffect? IncidentFor(TicketCreated created) =>
        created.Classification == AlertClassification.Urgent || IsUrgent(created.CustomFields.GetValueOrDefault(ClassificationField))
            ? OpenIncident(
                created.Number, created.Queue, created.Subject, created.Alert?.Service ?? created.CustomFields.GetValueOrDefault("Service"),
                created.CustomFields, created.Requestors.Count > 0 ? created.Requestors[0] : null)
            : null;

    // The incident opens with the fields as they are after the change: one edit that sets Classification to Urgent
    // together with AffectsEndUsers or Service opens it with those new values.
    private static SideEffect? IncidentFor(TicketState state, Dictionary<string, string?> changes)
    {
        if (!changes.TryGetValue(ClassificationField, out string? value) || !IsUrgent(value))
        {
            return null;
        }

        Dictionary<string, string> fields = WithFields(state.CustomFields, changes);
        return OpenIncident(state.Number, state.Queue, state.Subject, state.Alert?.Service ?? fields.GetValueOrDefault("Service"),
            fields, state.Requestors.Count > 0 ? state.Requestors[0] : null);
    }

    private static SideEffect OpenIncident(long number, string queue, string subject, string? service, IReadOnlyDictionary<string, string> fields, string? initiator)
    {
        bool endUser = string.Equals(fields.GetValueOrDefault("AffectsEndUsers"), "true", StringComparison.OrdinalIgnoreCase);
        var open = new OpenIncident(Actor.System, number, queue, subject, service, endUser, initiator);
        return AggregateCommand.Effect<IncidentCommand>(IncidentDecider.AggregateKind, number.ToString(System.Globalization.CultureInfo.InvariantCulture), open, "ticket");
    }

    private static bool IsUrgent(string? classification) => string.Equals(classification, nameof(AlertClassification.Urgent), StringComparison.OrdinalIgnoreCase);
}
