using Hub.Domain.Tickets;

namespace Hub.Functions.Notifications;

/// <summary>
/// A rendered mail, ready for a sender. <see cref="Id"/> is the outbox row's idempotency key: every sender passes it on
/// (SendGrid <c>custom_args.outbox_id</c>, the <c>X-Hub-Outbox-Id</c> header), so a repeated send is traceable.
/// </summary>
public sealed record OutgoingMail(
    string Id,
    string From,
    string FromName,
    string ReplyTo,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Bcc,
    string Subject,
    string Text,
    string Html,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<string> Categories,
    TicketNotification? Notification = null)
{
    /// <summary>When the outbox row was committed: the same on every retry (the blob outbox names its blobs by it).</summary>
    public DateTimeOffset QueuedAt { get; init; }
}

/// <summary>Sends a rendered mail. Throws <see cref="MailSendException"/> when the provider refuses or cannot be reached.</summary>
public interface IMailSender
{
    /// <summary>outbox, sendgrid or smtp.</summary>
    string Name { get; }

    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}

/// <summary>A send that failed. <see cref="Permanent"/>: the provider refused this mail (retrying cannot help).</summary>
public sealed class MailSendException : Exception
{
    public MailSendException()
    {
    }

    public MailSendException(string message)
        : base(message)
    {
    }

    public MailSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MailSendException(string message, bool permanent, int? status = null)
        : base(message)
    {
        Permanent = permanent;
        Status = status;
    }

    public bool Permanent { get; }

    public int? Status { get; }
}
