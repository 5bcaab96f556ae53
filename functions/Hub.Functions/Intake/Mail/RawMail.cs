using Hub.Domain.Intake.Mail;
using MimeKit;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// What a webhook format delivered, decoded to text but not yet interpreted. Each reader fills it; the
/// <see cref="MailAssembler"/> turns it into an <see cref="InboundMail"/> the same way for every format.
/// </summary>
internal sealed class RawMail
{
    /// <summary>Address-list text as sent; null falls back to the header block.</summary>
    public string? From { get; set; }

    public string? To { get; set; }

    public string? Cc { get; set; }

    public string? Subject { get; set; }

    public string? Text { get; set; }

    public string? Html { get; set; }

    /// <summary>The mail's header block, in order, as MimeKit read it.</summary>
    public HeaderList Headers { get; set; } = [];

    public List<string> EnvelopeTo { get; } = [];

    /// <summary>Explicit values (the JSON format); null falls back to the header block.</summary>
    public string? MessageId { get; set; }

    public string? InReplyTo { get; set; }

    public List<string>? References { get; set; }

    public List<MailAttachment> Attachments { get; } = [];

    public List<MailParseError> Errors { get; } = [];

    public List<MailParseError> Warnings { get; } = [];
}
