using System.Text.Json.Serialization;
using Hub.Domain.Configuration;

namespace Hub.Domain.Tickets;

/// <summary>One recorded change to a ticket: who (<paramref name="Actor"/>, a name) and when.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TicketCreated), "created")]
[JsonDerivedType(typeof(Corresponded), "corresponded")]
[JsonDerivedType(typeof(Commented), "commented")]
[JsonDerivedType(typeof(StatusChanged), "status-changed")]
[JsonDerivedType(typeof(OwnerChanged), "owner-changed")]
[JsonDerivedType(typeof(PriorityChanged), "priority-changed")]
[JsonDerivedType(typeof(SubjectChanged), "subject-changed")]
[JsonDerivedType(typeof(CustomFieldsChanged), "custom-fields-changed")]
[JsonDerivedType(typeof(WatcherAdded), "watcher-added")]
[JsonDerivedType(typeof(WatcherRemoved), "watcher-removed")]
[JsonDerivedType(typeof(LinkAdded), "link-added")]
[JsonDerivedType(typeof(ExternalRefAdded), "external-ref-added")]
[JsonDerivedType(typeof(FilesAttached), "files-attached")]
[JsonDerivedType(typeof(AlertFiredAgain), "alert-fired-again")]
[JsonDerivedType(typeof(AlertResolvedNoted), "alert-resolved-noted")]
[JsonDerivedType(typeof(EscalationRequested), "escalation-requested")]
public abstract record TicketEvent(string Actor, DateTimeOffset At);

/// <summary>The ticket as opened; the values are already validated and canonical.</summary>
public sealed record TicketCreated(
    string Actor,
    DateTimeOffset At,
    long Number,
    string Queue,
    string Subject,
    string Body,
    string Status,
    int Priority,
    IReadOnlyList<string> Requestors,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> AdminCc,
    IReadOnlyDictionary<string, string> CustomFields,
    string Source,
    ExternalRef? ExternalRef,
    AlertClassification? Classification,
    AlertInfo? Alert,
    string? MessageId,
    bool Internal,
    bool AutoSubmitted,
    IReadOnlyList<AttachmentRef> Attachments) : TicketEvent(Actor, At);

public sealed record Corresponded(
    string Actor, DateTimeOffset At, string Body, string From, string? MessageId, IReadOnlyList<AttachmentRef> Attachments, bool AutoSubmitted)
    : TicketEvent(Actor, At);

public sealed record Commented(string Actor, DateTimeOffset At, string Body, string? MessageId, IReadOnlyList<AttachmentRef> Attachments)
    : TicketEvent(Actor, At);

/// <param name="ToInactive">The new status is Inactive (resolved, rejected, deleted): the fact is recorded, not looked up again.</param>
public sealed record StatusChanged(string Actor, DateTimeOffset At, string From, string To, string? Reason, bool ToInactive)
    : TicketEvent(Actor, At);

public sealed record OwnerChanged(string Actor, DateTimeOffset At, string? From, string? To) : TicketEvent(Actor, At);

public sealed record PriorityChanged(string Actor, DateTimeOffset At, int From, int To) : TicketEvent(Actor, At);

public sealed record SubjectChanged(string Actor, DateTimeOffset At, string From, string To) : TicketEvent(Actor, At);

/// <summary>Field -> new canonical value; null means removed.</summary>
public sealed record CustomFieldsChanged(string Actor, DateTimeOffset At, IReadOnlyDictionary<string, string?> Changes) : TicketEvent(Actor, At);

public sealed record WatcherAdded(string Actor, DateTimeOffset At, WatcherKind Kind, string Address) : TicketEvent(Actor, At);

public sealed record WatcherRemoved(string Actor, DateTimeOffset At, WatcherKind Kind, string Address) : TicketEvent(Actor, At);

public sealed record LinkAdded(string Actor, DateTimeOffset At, LinkType Kind, long Number) : TicketEvent(Actor, At);

public sealed record ExternalRefAdded(string Actor, DateTimeOffset At, ExternalRef Ref) : TicketEvent(Actor, At);

public sealed record FilesAttached(string Actor, DateTimeOffset At, IReadOnlyList<AttachmentRef> Attachments) : TicketEvent(Actor, At);

/// <summary>The alert fired again; <paramref name="Alert"/> is the refreshed alert (count, last seen, labels).</summary>
public sealed record AlertFiredAgain(string Actor, DateTimeOffset At, AlertInfo Alert) : TicketEvent(Actor, At);

/// <summary>A comment-type entry: the alert resolved at <paramref name="ResolvedAt"/>.</summary>
public sealed record AlertResolvedNoted(string Actor, DateTimeOffset At, DateTimeOffset ResolvedAt, string Text) : TicketEvent(Actor, At);

public sealed record EscalationRequested(string Actor, DateTimeOffset At, string TargetQueue) : TicketEvent(Actor, At);
