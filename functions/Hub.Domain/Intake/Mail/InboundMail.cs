namespace Hub.Domain.Intake.Mail;

/// <summary>
/// A received mail, normalized whatever webhook brought it (SendGrid Inbound Parse or the hub's JSON format).
/// </summary>
/// <param name="EnvelopeTo">The SMTP recipients (lower-cased): where the mail was really delivered, Bcc included.</param>
/// <param name="Subject">Decoded; "" when the mail has none.</param>
/// <param name="Headers">
/// Unfolded and RFC 2047 decoded, keys case-insensitive. A header that occurs more than once (Received, Comments)
/// has its values joined by "\n" in the order they appear.
/// </param>
/// <param name="MessageId">Angle brackets stripped.</param>
/// <param name="InReplyTo">The first message id of In-Reply-To, angle brackets stripped.</param>
/// <param name="References">The References message ids in order, angle brackets stripped.</param>
/// <param name="AutoSubmitted">Sent by a machine (auto-reply, bulk, the hub itself): never answer it automatically.</param>
/// <param name="FromHub">Carries <see cref="MailThreading.LoopHeader"/>: the hub's own outbound mail came back.</param>
public sealed record InboundMail(
    MailAddress From,
    IReadOnlyList<MailAddress> To,
    IReadOnlyList<MailAddress> Cc,
    IReadOnlyList<string> EnvelopeTo,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyDictionary<string, string> Headers,
    string? MessageId,
    string? InReplyTo,
    IReadOnlyList<string> References,
    IReadOnlyList<MailAttachment> Attachments,
    bool AutoSubmitted,
    bool FromHub);
