using System.Text.Json.Serialization;

namespace Hub.Domain.Intake.Mail;

/// <summary>
/// One aggregate per received mail (kind "mail-thread", id = its Message-ID, or a content hash when it has none). It
/// records which ticket the mail went to, so a second delivery of the same mail changes nothing and a later reply
/// that names this Message-ID in In-Reply-To or References finds the ticket.
/// </summary>
/// <param name="Ticket">The ticket the mail was recorded on; null before, or when it was set aside.</param>
/// <param name="Status">unseen, opened (it opened the ticket), threaded (added to an existing one), set-aside.</param>
public sealed record MailThreadState(long? Ticket, string Status)
{
    public const string Unseen = "unseen";

    [JsonIgnore]
    public bool Recorded => Status != Unseen;
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ReceiveMail), "receive")]
public abstract record MailThreadCommand;

/// <summary>
/// A mail as delivered, with what the intake looked up for it. <paramref name="TaggedTicket"/>: the existing ticket of
/// its "[hub #N]" subject tag; <paramref name="ReplyTicket"/>: the ticket of a Message-ID it replies to;
/// <paramref name="MonitoringTicket"/>: the open ticket of its monitoring key; <paramref name="CandidateNumber"/>: the
/// number to use if a new ticket is needed (0: none reserved).
/// </summary>
public sealed record ReceiveMail(
    MailSummary Mail,
    long? TaggedTicket,
    long? ReplyTicket,
    long? MonitoringTicket,
    long CandidateNumber,
    DateTimeOffset ReceivedAt) : MailThreadCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MailTicketOpened), "ticket-opened")]
[JsonDerivedType(typeof(MailThreaded), "threaded")]
[JsonDerivedType(typeof(MailSetAside), "set-aside")]
public abstract record MailThreadEvent;

/// <param name="Rule">The subject rule that chose the queue, if one did.</param>
public sealed record MailTicketOpened(long Ticket, string Queue, string? Rule, DateTimeOffset At) : MailThreadEvent;

/// <param name="By">tag, reply or monitoring: how the ticket was found.</param>
/// <param name="AsComment">Recorded as an internal comment rather than correspondence.</param>
public sealed record MailThreaded(long Ticket, string By, bool AsComment, DateTimeOffset At) : MailThreadEvent;

/// <summary>Recorded without a ticket: the hub's own mail came back and belongs to no ticket.</summary>
public sealed record MailSetAside(string Reason, DateTimeOffset At) : MailThreadEvent;
