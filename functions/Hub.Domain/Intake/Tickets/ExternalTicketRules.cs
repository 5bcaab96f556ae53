using Hub.Domain.Configuration;
using Hub.Domain.Tickets;

namespace Hub.Domain.Intake.Tickets;

/// <summary>What an event will do to the mapped ticket, in the configuration's spelling.</summary>
/// <param name="Status">The lifecycle status the event names, null when it names none.</param>
/// <param name="Initial">The lifecycle's first Initial status (where a new ticket starts).</param>
/// <param name="Fields">The custom fields the event names, canonical (null = remove).</param>
public sealed record Plan(QueueDefinition Queue, string? Status, string Initial, IReadOnlyDictionary<string, string?> Fields);

/// <summary>
/// The checks that need the configuration and the mapping: is the external ticket known, is the queue real, is the
/// status one of the queue's lifecycle, are the custom fields valid. Every error names the body field it is about, so
/// the HTTP layer can answer 422 with the same list the decider refused with.
/// </summary>
public static class ExternalTicketRules
{
    public static (Plan? Plan, IReadOnlyList<TicketHookError> Errors) Check(ExternalTicketState state, ExternalTicketCommand command, HubConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        return command switch
        {
            ApplyTicketEvent a => CheckEvent(state, a, config),
            RecordReleaseTransition r when state.Ticket is null =>
                (null, [new TicketHookError("ticketId", $"no ticket from '{r.System}' with id '{r.Transition.TicketId}' is known to the hub; send a 'created' event first")]),
            RecordReleaseTransition when config.Queue(state.Queue ?? "") is null =>
                (null, [new TicketHookError("ticketId", $"the mapped ticket's queue '{state.Queue}' is no longer configured")]),
            RecordReleaseTransition => (Empty(config, state.Queue!), []),
            _ => (null, [new TicketHookError("event", $"unknown command {command?.GetType().Name}")]),
        };
    }

    private static (Plan?, IReadOnlyList<TicketHookError>) CheckEvent(ExternalTicketState state, ApplyTicketEvent a, HubConfiguration config)
    {
        ExternalTicketSnapshot ticket = a.Event.Ticket;
        var errors = new List<TicketHookError>();
        if (state.Ticket is null && a.Event.Kind != TicketEventKind.Created)
        {
            return (null, [new TicketHookError("ticket.id", $"no ticket from '{a.System}' with id '{ticket.Id}' is known to the hub; send a 'created' event first")]);
        }

        // The queue is chosen once, when the ticket opens; later events cannot move it.
        string queueName = state.Queue ?? ticket.Queue ?? a.DefaultQueue;
        if (config.Queue(queueName) is not { } queue)
        {
            return (null, [new TicketHookError("ticket.queue", $"'{queueName}' is not a queue of the hub; use one of {string.Join(", ", config.Queues.Select(q => q.Name))}")]);
        }

        LifecycleDefinition lifecycle = config.Lifecycle(queue.Lifecycle)!;
        string initial = lifecycle.Statuses.First(s => s.Kind == StatusKind.Initial).Name;
        string? status = null;
        if (ticket.Status is { } wanted)
        {
            status = lifecycle.Statuses.FirstOrDefault(s => string.Equals(s.Name, wanted.Trim(), StringComparison.OrdinalIgnoreCase))?.Name;
            if (status is null)
            {
                errors.Add(new TicketHookError(
                    "ticket.status",
                    $"'{wanted}' is not a status of lifecycle '{lifecycle.Name}' (queue '{queue.Name}'); use one of {string.Join(", ", lifecycle.Statuses.Select(s => s.Name))}"));
            }
        }

        IReadOnlyDictionary<string, string?> fields = new Dictionary<string, string?>();
        bool opening = state.Ticket is null;
        if (opening || ticket.CustomFields.Count > 0)
        {
            var result = CustomFieldRules.Validate(queue, opening ? new Dictionary<string, string>() : state.CustomFields, ticket.CustomFields);
            if (result.IsOk)
            {
                fields = result.Value!;
            }
            else
            {
                errors.Add(new TicketHookError("ticket.customFields", result.Reason!));
            }
        }

        if (opening && Addresses.Normalize(ticket.Requestors, "ticket.requestors") is { IsOk: false } requestors)
        {
            errors.Add(new TicketHookError("ticket.requestors", requestors.Reason!));
        }

        return errors.Count > 0 ? (null, errors) : (new Plan(queue, status, initial, fields), []);
    }

    private static Plan Empty(HubConfiguration config, string queueName)
    {
        QueueDefinition queue = config.Queue(queueName)!;
        string initial = config.Lifecycle(queue.Lifecycle)!.Statuses.First(s => s.Kind == StatusKind.Initial).Name;
        return new Plan(queue, null, initial, new Dictionary<string, string?>());
    }
}
