using System.Text.Json.Serialization;
using Hub.Domain.Configuration;

namespace Hub.Domain.Tickets;

/// <summary>A command to a ticket. Serialized by the work queue with a "type" discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CreateTicket), "create")]
[JsonDerivedType(typeof(Correspond), "correspond")]
[JsonDerivedType(typeof(Comment), "comment")]
[JsonDerivedType(typeof(ChangeStatus), "change-status")]
[JsonDerivedType(typeof(SetOwner), "set-owner")]
[JsonDerivedType(typeof(SetPriority), "set-priority")]
[JsonDerivedType(typeof(SetSubject), "set-subject")]
[JsonDerivedType(typeof(SetCustomFields), "set-custom-fields")]
[JsonDerivedType(typeof(AddWatcher), "add-watcher")]
[JsonDerivedType(typeof(RemoveWatcher), "remove-watcher")]
[JsonDerivedType(typeof(AddLink), "add-link")]
[JsonDerivedType(typeof(AddExternalRef), "add-external-ref")]
[JsonDerivedType(typeof(AttachFiles), "attach-files")]
[JsonDerivedType(typeof(AlertFired), "alert-fired")]
[JsonDerivedType(typeof(AlertResolved), "alert-resolved")]
[JsonDerivedType(typeof(NeedsTechnicalResolution), "needs-technical-resolution")]
public abstract record TicketCommand(Actor Actor);

/// <summary>Opens ticket <paramref name="Number"/> (allocated by the caller) in <paramref name="Queue"/>.</summary>
/// <param name="Internal">The body is recorded as an internal comment, not correspondence (alerts, internal copies).</param>
/// <param name="AutoSubmitted">The source is an auto-submitted mail (RFC 3834): recorded, never answered or notified.</param>
/// <param name="AdminCc">AdminCc addresses in addition to the queue's AdminCc contact lists.</param>
public sealed record CreateTicket(
    Actor Actor,
    long Number,
    string Queue,
    string Subject,
    string Body,
    IReadOnlyList<string>? Requestors = null,
    IReadOnlyList<string>? Cc = null,
    int? Priority = null,
    IReadOnlyDictionary<string, string>? CustomFields = null,
    string Source = "api",
    ExternalRef? ExternalRef = null,
    AlertClassification? Classification = null,
    AlertInfo? Alert = null,
    string? MessageId = null,
    bool Internal = false,
    bool AutoSubmitted = false,
    IReadOnlyList<string>? AdminCc = null,
    IReadOnlyList<AttachmentRef>? Attachments = null) : TicketCommand(Actor)
{
    public IReadOnlyList<string> Requestors { get; init; } = Requestors ?? [];

    public IReadOnlyList<string> Cc { get; init; } = Cc ?? [];

    public IReadOnlyDictionary<string, string> CustomFields { get; init; } = CustomFields ?? new Dictionary<string, string>();

    public IReadOnlyList<string> AdminCc { get; init; } = AdminCc ?? [];

    public IReadOnlyList<AttachmentRef> Attachments { get; init; } = Attachments ?? [];
}

/// <summary>A public reply: requestors and Cc see it.</summary>
/// <param name="Reopen">
/// A customer's reply (RT's "On Correspond Open Inactive Tickets"): an Inactive ticket moves to the first Active status
/// its lifecycle allows this actor to reach from there. Never for auto-submitted mail, which is only recorded.
/// </param>
public sealed record Correspond(
    Actor Actor,
    string Body,
    string From,
    string? MessageId = null,
    IReadOnlyList<AttachmentRef>? Attachments = null,
    bool AutoSubmitted = false,
    bool Reopen = false) : TicketCommand(Actor)
{
    public IReadOnlyList<AttachmentRef> Attachments { get; init; } = Attachments ?? [];
}

/// <summary>An internal note: only AdminCc (staff) see it, never a requestor.</summary>
public sealed record Comment(Actor Actor, string Body, string? MessageId = null, IReadOnlyList<AttachmentRef>? Attachments = null)
    : TicketCommand(Actor)
{
    public IReadOnlyList<AttachmentRef> Attachments { get; init; } = Attachments ?? [];
}

public sealed record ChangeStatus(Actor Actor, string To, string? Reason = null) : TicketCommand(Actor);

/// <summary>Sets the owner; null gives the ticket back to nobody.</summary>
public sealed record SetOwner(Actor Actor, string? Owner) : TicketCommand(Actor);

public sealed record SetPriority(Actor Actor, int Priority) : TicketCommand(Actor);

public sealed record SetSubject(Actor Actor, string Subject) : TicketCommand(Actor);

/// <summary>Sets the given fields; a null value removes the field.</summary>
public sealed record SetCustomFields(Actor Actor, IReadOnlyDictionary<string, string?> Fields) : TicketCommand(Actor);

public sealed record AddWatcher(Actor Actor, WatcherKind Kind, string Address) : TicketCommand(Actor);

public sealed record RemoveWatcher(Actor Actor, WatcherKind Kind, string Address) : TicketCommand(Actor);

/// <summary>Links this ticket to ticket <paramref name="Number"/>; the runtime records the inverse on the other ticket.</summary>
public sealed record AddLink(Actor Actor, LinkType Kind, long Number) : TicketCommand(Actor);

public sealed record AddExternalRef(Actor Actor, string System, string Id, string? Url = null) : TicketCommand(Actor);

public sealed record AttachFiles(Actor Actor, IReadOnlyList<AttachmentRef> Attachments) : TicketCommand(Actor);

/// <summary>The alert this ticket was opened for fired again (the intake chose update over a new ticket).</summary>
public sealed record AlertFired(Actor Actor, AlertInfo Alert, DateTimeOffset SeenAt) : TicketCommand(Actor);

public sealed record AlertResolved(Actor Actor, DateTimeOffset At) : TicketCommand(Actor);

/// <summary>A customer ticket needs technical work: the runtime creates an internal copy in <paramref name="TargetQueue"/>.</summary>
public sealed record NeedsTechnicalResolution(Actor Actor, string TargetQueue) : TicketCommand(Actor);
