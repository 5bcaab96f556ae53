using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Security;

namespace Hub.Functions.Tickets;

/// <summary>
/// The commands a PATCH of a ticket stands for, in the order they are applied (subject, priority, owner, custom
/// fields, watchers, status); empty when the body names no change.
/// </summary>
internal static class TicketPatchCommands
{
    public static List<TicketCommand> For(TicketPatch body, ApiCaller caller, TicketState ticket, HubConfiguration config)
    {
        var commands = new List<TicketCommand>();
        Actor actor = TicketAnswers.ActorFor(caller);
        if (body.Subject is not null)
        {
            commands.Add(new SetSubject(actor, body.Subject));
        }

        if (body.Priority is { } priority)
        {
            commands.Add(new SetPriority(actor, priority));
        }

        if (body.Owner is not null)
        {
            commands.Add(new SetOwner(actor, body.Owner.Length == 0 ? null : body.Owner));
        }

        if (body.CustomFields is not null)
        {
            commands.Add(new SetCustomFields(actor, body.CustomFields));
        }

        commands.AddRange((body.AddWatchers ?? []).Select(w => new AddWatcher(actor, w.Kind, w.Address)));
        commands.AddRange((body.RemoveWatchers ?? []).Select(w => new RemoveWatcher(actor, w.Kind, w.Address)));
        if (body.Status is not null)
        {
            commands.Add(new ChangeStatus(TicketAnswers.ActorFor(caller, TransitionRole(config, ticket, body.Status)), body.Status, body.Reason));
        }

        return commands;
    }

    // The role a ChangeStatus acts with: the transition's own role when the caller has it, else the caller's strongest.
    private static Role? TransitionRole(HubConfiguration config, TicketState ticket, string to)
    {
        string? lifecycle = config.Queue(ticket.Queue)?.Lifecycle;
        return config.Lifecycle(lifecycle ?? "")?.Transitions
            .FirstOrDefault(t => string.Equals(t.From, ticket.Status, StringComparison.OrdinalIgnoreCase) && string.Equals(t.To, to, StringComparison.OrdinalIgnoreCase))?.Role;
    }
}
