using Hub.Domain.Tickets;

namespace Hub.Domain.Intake.Mail;

/// <summary>
/// An inbound mail as the threading decision needs it: addresses lower-cased, the body chosen (text, else html),
/// attachments already in blob storage. It travels on the work queue, so it carries no attachment bytes.
/// </summary>
/// <param name="MessageId">Angle brackets stripped, as <see cref="InboundMail.MessageId"/>.</param>
public sealed record MailSummary(
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> EnvelopeTo,
    string Subject,
    string Body,
    string? MessageId,
    string? InReplyTo,
    IReadOnlyList<string> References,
    IReadOnlyList<AttachmentRef> Attachments,
    bool AutoSubmitted,
    bool FromHub);
