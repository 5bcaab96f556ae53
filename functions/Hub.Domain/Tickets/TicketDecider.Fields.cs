using Hub.Domain.Configuration;
using Hub.Domain.Durable;

namespace Hub.Domain.Tickets;

// Owner, priority, subject, custom fields, watchers, links, external references and attachments.
public sealed partial class TicketDecider
{
    private static Result<Decision<TicketEvent>> SetOwner(TicketState state, SetOwner c, DateTimeOffset now)
    {
        string? owner = string.IsNullOrWhiteSpace(c.Owner) ? null : c.Owner.Trim();
        return string.Equals(owner, state.Owner, StringComparison.OrdinalIgnoreCase)
            ? Reject($"Owner of ticket #{state.Number} is already {owner ?? "nobody"}.")
            : Ok(new OwnerChanged(c.Actor.Name, now, state.Owner, owner));
    }

    private static Result<Decision<TicketEvent>> SetPriority(TicketState state, SetPriority c, DateTimeOffset now)
    {
        if (c.Priority is < 0 or > 100)
        {
            return Reject($"Priority must be between 0 and 100; got {c.Priority}.");
        }

        return c.Priority == state.Priority
            ? Reject($"Priority of ticket #{state.Number} is already {c.Priority}.")
            : Ok(new PriorityChanged(c.Actor.Name, now, state.Priority, c.Priority));
    }

    // An edit by a person or system is refused when invalid: only mail intake repairs subjects (see NormalizeSubject).
    private static Result<Decision<TicketEvent>> SetSubject(TicketState state, SetSubject c, DateTimeOffset now)
    {
        string subject = CollapseWhitespace(c.Subject);
        if (subject.Length == 0)
        {
            return Reject("Subject is required.");
        }

        if (subject.Length > MaxSubjectLength)
        {
            return Reject($"Subject must be at most {MaxSubjectLength} characters; got {subject.Length}.");
        }

        return subject == state.Subject
            ? Reject($"Subject of ticket #{state.Number} is already '{subject}'.")
            : Ok(new SubjectChanged(c.Actor.Name, now, state.Subject, subject));
    }

    private static Result<Decision<TicketEvent>> SetCustomFields(TicketState state, QueueDefinition queue, SetCustomFields c, DateTimeOffset now)
    {
        Result<IReadOnlyDictionary<string, string?>> validated = CustomFieldRules.Validate(queue, state.CustomFields, c.Fields ?? new Dictionary<string, string?>());
        if (!validated.IsOk)
        {
            return Reject(validated.Reason!);
        }

        var changes = validated.Value!
            .Where(f => f.Value != state.CustomFields.GetValueOrDefault(f.Key))
            .ToDictionary(f => f.Key, f => f.Value);
        return changes.Count == 0
            ? Reject($"Custom fields of ticket #{state.Number} already have these values.")
            : Ok(new CustomFieldsChanged(c.Actor.Name, now, changes), IncidentFor(state, changes));
    }

    private static Result<Decision<TicketEvent>> AddWatcher(TicketState state, AddWatcher c, DateTimeOffset now)
    {
        string address = c.Address?.Trim() ?? "";
        if (!Addresses.IsValid(address))
        {
            return Reject($"Address '{c.Address}' is not a mail address.");
        }

        return Addresses.Contains(Watchers(state, c.Kind), address)
            ? Reject($"{address} is already {c.Kind} on ticket #{state.Number}.")
            : Ok(new WatcherAdded(c.Actor.Name, now, c.Kind, address));
    }

    private static Result<Decision<TicketEvent>> RemoveWatcher(TicketState state, RemoveWatcher c, DateTimeOffset now)
    {
        string? present = Watchers(state, c.Kind).FirstOrDefault(a => string.Equals(a, c.Address?.Trim(), StringComparison.OrdinalIgnoreCase));
        return present is null
            ? Reject($"{c.Address} is not {c.Kind} on ticket #{state.Number}.")
            : Ok(new WatcherRemoved(c.Actor.Name, now, c.Kind, present));
    }

    private static Result<Decision<TicketEvent>> AddLink(TicketState state, AddLink c, DateTimeOffset now)
    {
        if (c.Number <= 0)
        {
            return Reject($"Link Number must be a ticket number; got {c.Number}.");
        }

        if (c.Number == state.Number)
        {
            return Reject($"Ticket #{state.Number} cannot link to itself.");
        }

        if (!Enum.IsDefined(c.Kind))
        {
            return Reject($"Link Kind {c.Kind} is not a link type.");
        }

        return state.Links.Contains(new TicketLink(c.Kind, c.Number))
            ? Reject($"Ticket #{state.Number} already has the link {c.Kind} #{c.Number}.")
            : Ok(new LinkAdded(c.Actor.Name, now, c.Kind, c.Number));
    }

    private static Result<Decision<TicketEvent>> AddExternalRef(TicketState state, AddExternalRef c, DateTimeOffset now)
    {
        var reference = new ExternalRef(c.System?.Trim() ?? "", c.Id?.Trim() ?? "", string.IsNullOrWhiteSpace(c.Url) ? null : c.Url.Trim());
        if (CheckExternalRef(reference) is { } invalid)
        {
            return Reject(invalid);
        }

        bool known = state.ExternalRefs.Any(r =>
            string.Equals(r.System, reference.System, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Id, reference.Id, StringComparison.Ordinal));
        return known
            ? Reject($"Ticket #{state.Number} already refers to {reference.System} {reference.Id}.")
            : Ok(new ExternalRefAdded(c.Actor.Name, now, reference));
    }

    private static Result<Decision<TicketEvent>> AttachFiles(AttachFiles c, DateTimeOffset now)
    {
        if (c.Attachments is null || c.Attachments.Count == 0)
        {
            return Reject("Attachments: at least one file is needed.");
        }

        return CheckAttachments(c.Attachments) is { } invalid ? Reject(invalid) : Ok(new FilesAttached(c.Actor.Name, now, c.Attachments));
    }

    private static IReadOnlyList<string> Watchers(TicketState state, WatcherKind kind) => kind switch
    {
        WatcherKind.Requestor => state.Requestors,
        WatcherKind.Cc => state.Cc,
        _ => state.AdminCc,
    };
}
