using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;

namespace Hub.Domain.Tickets;

// Opening a ticket, correspondence, comments and the notifications they cause.
public sealed partial class TicketDecider
{
    /// <summary>
    /// Every problem of a new ticket's own fields at once, each naming its field (<c>queue</c>, <c>priority</c>,
    /// <c>requestors[1]</c>, <c>customFields.Version</c>) and the rule; empty when the ticket can be created. The API
    /// checks this before it takes a ticket number, so a refused create spends none; <see cref="Create"/> refuses on the
    /// same rules (and more: attachments, external refs), with the first problem only, for the other ways in (mail, hooks).
    /// </summary>
    public static IReadOnlyList<FieldProblem> CheckNew(
        HubConfiguration config, string? queueName, int? priority, IEnumerable<string>? requestors, IEnumerable<string>? cc, IReadOnlyDictionary<string, string>? customFields)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<FieldProblem>();
        QueueDefinition? queue = string.IsNullOrWhiteSpace(queueName) ? null : config.Queue(queueName);
        if (queue is null)
        {
            problems.Add(new("queue", string.IsNullOrWhiteSpace(queueName)
                ? "required"
                : $"'{queueName}' is not a queue (queues: {string.Join(", ", config.Queues.Select(q => q.Name))})"));
        }

        if ((priority ?? queue?.DefaultPriority) is { } p && p is < 0 or > 100)
        {
            problems.Add(new("priority", $"must be between 0 and 100; got {p}"));
        }

        foreach ((string field, IEnumerable<string>? addresses) in new[] { ("requestors", requestors), ("cc", cc) })
        {
            int index = 0;
            foreach (string address in addresses ?? [])
            {
                if (!Addresses.IsValid(address?.Trim() ?? ""))
                {
                    problems.Add(new($"{field}[{index}]", $"'{address}' is not a mail address"));
                }

                index++;
            }
        }

        if (queue is not null)
        {
            foreach ((string name, string value) in customFields ?? new Dictionary<string, string>())
            {
                CustomFieldDefinition? field = queue.CustomFields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
                if (field is null)
                {
                    problems.Add(new($"customFields.{name}", $"Custom field '{name}' is not defined in queue '{queue.Name}'."));
                }
                else if (!string.IsNullOrWhiteSpace(value) && CustomFieldRules.Canonical(field, value.Trim()) is { IsOk: false } invalid)
                {
                    problems.Add(new($"customFields.{field.Name}", invalid.Reason!));
                }
            }

            foreach (CustomFieldDefinition field in queue.CustomFields.Where(f => f.Required))
            {
                if (customFields?.FirstOrDefault(f => string.Equals(f.Key, field.Name, StringComparison.OrdinalIgnoreCase)) is not { Value: { } given } || string.IsNullOrWhiteSpace(given))
                {
                    problems.Add(new($"customFields.{field.Name}", $"Custom field '{field.Name}' is required in queue '{queue.Name}'."));
                }
            }
        }

        return problems;
    }

    private Result<Decision<TicketEvent>> Create(TicketState state, CreateTicket c, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return Reject($"Ticket #{state.Number} already exists.");
        }

        if (c.Number <= 0)
        {
            return Reject($"Number must be a positive ticket number; got {c.Number}.");
        }

        QueueDefinition? queue = config.Queue(c.Queue ?? "");
        if (queue is null)
        {
            return Reject($"Queue '{c.Queue}' does not exist.");
        }

        StatusDefinition? initial = config.Lifecycle(queue.Lifecycle)?.Statuses.FirstOrDefault(s => s.Kind == StatusKind.Initial);
        if (initial is null)
        {
            return Reject($"Lifecycle '{queue.Lifecycle}' of queue '{queue.Name}' has no Initial status to create a ticket in.");
        }

        int priority = c.Priority ?? queue.DefaultPriority;
        if (priority is < 0 or > 100)
        {
            return Reject($"Priority must be between 0 and 100; got {priority}.");
        }

        Result<IReadOnlyList<string>> requestors = Addresses.Normalize(c.Requestors, "Requestors");
        Result<IReadOnlyList<string>> cc = Addresses.Normalize(c.Cc, "Cc");
        Result<IReadOnlyList<string>> adminCc = Addresses.Normalize(c.AdminCc, "AdminCc");
        Result<IReadOnlyDictionary<string, string?>> fields = CustomFieldRules.Validate(
            queue, new Dictionary<string, string>(), c.CustomFields.ToDictionary(f => f.Key, f => (string?)f.Value));
        string? invalid = requestors.Reason ?? cc.Reason ?? adminCc.Reason ?? fields.Reason
            ?? CheckAttachments(c.Attachments) ?? CheckExternalRef(c.ExternalRef) ?? CheckAlert(c.Alert);
        if (invalid is not null)
        {
            return Reject(invalid);
        }

        IEnumerable<string> queueAdminCc = queue.AdminCc.Select(name => config.Contacts(name)?.Address).OfType<string>();
        var created = new TicketCreated(
            c.Actor.Name,
            now,
            c.Number,
            queue.Name,
            NormalizeSubject(c.Subject),
            c.Body ?? "",
            initial.Name,
            priority,
            requestors.Value!,
            cc.Value!,
            Addresses.Union([queueAdminCc, adminCc.Value!], []),
            fields.Value!.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!),
            string.IsNullOrWhiteSpace(c.Source) ? "api" : c.Source.Trim(),
            c.ExternalRef,
            c.Classification,
            c.Alert,
            NormalizeMessageId(c.MessageId),
            c.Internal,
            c.AutoSubmitted,
            c.Attachments);

        SideEffect? notify = c.AutoSubmitted ? null : Notification(
            created.Number, queue, created.Subject, "created", isPublic: !c.Internal, created.Requestors, created.Cc, created.AdminCc,
            except: null, created.Body, created.MessageId);
        return Ok(created, notify, IncidentFor(created));
    }

    private Result<Decision<TicketEvent>> Correspond(TicketState state, QueueDefinition queue, LifecycleDefinition lifecycle, Correspond c, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(c.Body) && c.Attachments.Count == 0)
        {
            return Reject("Correspondence needs a Body or Attachments.");
        }

        if (string.IsNullOrWhiteSpace(c.From))
        {
            return Reject("Correspondence needs From (the sender).");
        }

        string? messageId = NormalizeMessageId(c.MessageId);
        string? invalid = CheckNewMessageId(state, messageId) ?? CheckAttachments(c.Attachments);
        if (invalid is not null)
        {
            return Reject(invalid);
        }

        var corresponded = new Corresponded(c.Actor.Name, now, c.Body ?? "", c.From.Trim(), messageId, c.Attachments, c.AutoSubmitted);
        SideEffect? notify = c.AutoSubmitted ? null : Notification(
            state.Number, queue, state.Subject, "correspondence", isPublic: true, state.Requestors, state.Cc, state.AdminCc,
            except: corresponded.From, corresponded.Body, messageId);
        if (!c.Reopen || c.AutoSubmitted || !IsInactive(lifecycle, state.Status) || Reopening(state, lifecycle, c.Actor) is not { } to)
        {
            return Ok(corresponded, notify);
        }

        // The reply is the news; the status change rides along without a mail of its own.
        var reopened = new StatusChanged(c.Actor.Name, now, state.Status, to, "reopened by a reply from " + corresponded.From, ToInactive: false);
        return Result<Decision<TicketEvent>>.Ok(new Decision<TicketEvent>([corresponded, reopened], notify is null ? [] : [notify]));
    }

    /// <summary>The first Active status, in lifecycle order, that a transition from the current status lets the actor reach.</summary>
    private static string? Reopening(TicketState state, LifecycleDefinition lifecycle, Actor actor) =>
        lifecycle.Statuses
            .Where(s => s.Kind == StatusKind.Active)
            .Select(s => lifecycle.Transitions.FirstOrDefault(t =>
                string.Equals(t.From, state.Status, StringComparison.OrdinalIgnoreCase)
                && string.Equals(t.To, s.Name, StringComparison.OrdinalIgnoreCase)
                && (t.Role == actor.Role || actor.Role == Role.AppAdmin)))
            .FirstOrDefault(t => t is not null)?.To;

    private Result<Decision<TicketEvent>> Comment(TicketState state, QueueDefinition queue, Comment c, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(c.Body) && c.Attachments.Count == 0)
        {
            return Reject("A comment needs a Body or Attachments.");
        }

        string? messageId = NormalizeMessageId(c.MessageId);
        string? invalid = CheckNewMessageId(state, messageId) ?? CheckAttachments(c.Attachments);
        if (invalid is not null)
        {
            return Reject(invalid);
        }

        var commented = new Commented(c.Actor.Name, now, c.Body ?? "", messageId, c.Attachments);
        SideEffect? notify = Notification(
            state.Number, queue, state.Subject, "comment", isPublic: false, state.Requestors, state.Cc, state.AdminCc,
            except: c.Actor.Name, commented.Body, messageId);
        return Ok(commented, notify);
    }

    /// <summary>
    /// Public traffic goes To requestors and Cc, with AdminCc and the queue's mirror list in Bcc; internal traffic goes
    /// To AdminCc only, the mirror in Bcc. The sender is left out. Null when nobody is left to tell.
    /// </summary>
    private SideEffect? Notification(
        long number,
        QueueDefinition queue,
        string subject,
        string kind,
        bool isPublic,
        IReadOnlyList<string> requestors,
        IReadOnlyList<string> cc,
        IReadOnlyList<string> adminCc,
        string? except,
        string? body,
        string? inReplyTo)
    {
        string[] excluded = except is null ? [] : [except];
        string[] mirror = queue.Mirror is not null && config.Contacts(queue.Mirror) is { } list ? [list.Address] : [];
        IReadOnlyList<string> to = isPublic ? Addresses.Union([requestors, cc], excluded) : Addresses.Union([adminCc], excluded);
        IReadOnlyList<string> bcc = Addresses.Union(isPublic ? [adminCc, mirror] : [mirror], [.. excluded, .. to]);
        if (to.Count == 0 && bcc.Count == 0)
        {
            return null;
        }

        var payload = new TicketNotification(
            number, queue.Name, kind, isPublic ? "public" : "internal", to, bcc, $"[hub #{number}] {subject}", body, inReplyTo);
        return new SideEffect(NotifyEffect, JsonSerializer.Serialize(payload, Json));
    }

    /// <summary>
    /// Collapses every run of white space or control characters (line breaks, tabs, NUL...) into one space and trims the
    /// ends: what a subject or mail header value must look like. Used by subject edits, mail intake and the mail templates.
    /// </summary>
    public static string CollapseWhitespace(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var clean = new System.Text.StringBuilder(text.Length);
        bool gap = false;
        foreach (char ch in text)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                gap = clean.Length > 0;
                continue;
            }

            if (gap)
            {
                clean.Append(' ');
                gap = false;
            }

            clean.Append(ch);
        }

        return clean.ToString();
    }

    // Mail subjects are often empty or very long: both are normal intake, so they are repaired rather than refused.
    private static string NormalizeSubject(string? subject)
    {
        string clean = CollapseWhitespace(subject);
        if (clean.Length == 0)
        {
            return NoSubject;
        }

        return clean.Length <= MaxSubjectLength ? clean : string.Concat(clean.AsSpan(0, MaxSubjectLength - 1), "…");
    }

    private static string? NormalizeMessageId(string? messageId)
    {
        string id = messageId?.Trim() ?? "";
        if (id.Length == 0)
        {
            return null;
        }

        return id.StartsWith('<') && id.EndsWith('>') ? id : $"<{id.Trim('<', '>')}>";
    }

    private static string? CheckNewMessageId(TicketState state, string? messageId) =>
        messageId is not null && state.MessageIds.Contains(messageId, StringComparer.Ordinal)
            ? $"Message {messageId} is already recorded on ticket #{state.Number}."
            : null;

    private static string? CheckAttachments(IReadOnlyList<AttachmentRef> attachments)
    {
        foreach (AttachmentRef a in attachments)
        {
            if (string.IsNullOrWhiteSpace(a.BlobName) || string.IsNullOrWhiteSpace(a.FileName) || string.IsNullOrWhiteSpace(a.ContentType))
            {
                return "Attachments: each needs BlobName, FileName and ContentType.";
            }

            if (a.Size < 0)
            {
                return $"Attachments: Size of '{a.FileName}' must not be negative; got {a.Size}.";
            }
        }

        return null;
    }

    private static string? CheckExternalRef(ExternalRef? reference)
    {
        if (reference is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(reference.System) || string.IsNullOrWhiteSpace(reference.Id))
        {
            return "ExternalRef needs System and Id.";
        }

        return reference.Url is null || IsHttpUrl(reference.Url)
            ? null
            : $"ExternalRef Url must be an absolute http or https URL; got '{reference.Url}'.";
    }

    private static string? CheckAlert(AlertInfo? alert) =>
        alert is not null && (string.IsNullOrWhiteSpace(alert.Identity) || string.IsNullOrWhiteSpace(alert.Source))
            ? "Alert needs Identity and Source."
            : null;

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
