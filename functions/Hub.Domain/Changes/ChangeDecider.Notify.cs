using System.Text.Json;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Changes;

// Every step tells the service's Recipient List, with amit-auto-deploy (the ProductionDeploy mirror) in Bcc.
public sealed partial class ChangeDecider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A <c>ticket.notify</c> mail about the change; an emergency is flagged in the subject of every one.</summary>
    private SideEffect? Notify(ChangeState after, string what, string body, string? alsoTo = null)
    {
        IReadOnlyList<string> to = Addresses.Union([after.Service!.RecipientList, alsoTo is null ? [] : [alsoTo]], []);
        IReadOnlyList<string> bcc = settings.Mirror is { } mirror ? Addresses.Union([[mirror]], to) : [];
        if (to.Count == 0 && bcc.Count == 0)
        {
            return null;
        }

        string subject = $"[hub #{after.Number}] {(after.Emergency ? "[EMERGENCY] " : "")}Change {Title(after)}: {what}";
        var payload = new TicketNotification(after.Number, settings.Queue, "change", "internal", to, bcc, subject, body, null);
        return new SideEffect(TicketDecider.NotifyEffect, JsonSerializer.Serialize(payload, Json));
    }
}
