using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Tickets;

namespace Hub.Domain.Releases;

// The notification matrix: on each change the Cc set is purged and rebuilt from the new state's row; AdminCc always.
public sealed partial class ReleaseDecider
{
    /// <summary>The Cc set of a release entering <paramref name="progress"/>: the matrix row resolved to addresses.</summary>
    public IReadOnlyList<string> CcFor(ReleaseState state, RolloutProgress progress)
    {
        ArgumentNullException.ThrowIfNull(state);
        var addresses = new List<string>();
        foreach (string entry in Workflow.Notify.GetValueOrDefault(progress) ?? [])
        {
            switch (entry)
            {
                case ReleaseWorkflowDefinition.Provider:
                    addresses.AddRange(state.Provider is { } provider ? [provider] : []);
                    break;
                case ReleaseWorkflowDefinition.ReleaseManagerToken:
                    addresses.AddRange(Workflow.ReleaseManager is { } manager ? [manager] : []);
                    break;
                case ReleaseWorkflowDefinition.OwnerToken:
                    addresses.AddRange(state.Owner is { } owner ? [owner] : []);
                    break;
                case ReleaseWorkflowDefinition.EarlyAdoptersToken:
                    addresses.AddRange(Workflow.EarlyAdopters.Select(t => t.Address));
                    break;
                default:
                    addresses.Add(config.Contacts(entry)?.Address ?? entry);
                    break;
            }
        }

        return Addresses.Union([addresses], []);
    }

    /// <summary>The AdminCc addresses of every release.</summary>
    public IReadOnlyList<string> AdminCc =>
        Addresses.Union([Workflow.AdminCc.Select(name => config.Contacts(name)?.Address ?? name).ToList()], []);

    private IEnumerable<SideEffect> Notify(ReleaseState after, string body, RolloutProgress? from)
    {
        IReadOnlyList<string> to = Addresses.Union([after.Cc, after.Watchers], []);
        string subject = from is { } f
            ? $"[hub #{after.Number}] Release {after.Title}: {f} -> {after.Progress}"
            : $"[hub #{after.Number}] Release {after.Title}: {after.Progress}";
        SideEffect? mail = Mail(after, "release", to, subject, body);
        return mail is null ? [] : [mail];
    }

    /// <summary>A <c>ticket.notify</c> mail about the release: To the given addresses, AdminCc in Bcc.</summary>
    private SideEffect? Mail(ReleaseState state, string kind, IReadOnlyList<string> to, string subject, string body)
    {
        IReadOnlyList<string> bcc = Addresses.Union([AdminCc], to);
        if (to.Count == 0 && bcc.Count == 0)
        {
            return null;
        }

        bool provider = state.Provider is { } p && to.Contains(p, StringComparer.OrdinalIgnoreCase);
        var payload = new TicketNotification(state.Number, Workflow.Queue, kind, provider ? "public" : "internal", to, bcc, subject, body, null);
        return new SideEffect(TicketDecider.NotifyEffect, JsonSerializer.Serialize(payload, Json));
    }
}
