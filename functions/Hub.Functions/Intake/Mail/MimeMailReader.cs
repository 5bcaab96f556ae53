using Hub.Domain.Intake.Mail;
using MimeKit;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// A whole MIME message (an .eml posted as message/rfc822, or the <c>email</c> field of SendGrid's raw mode), read by
/// MimeKit: its header block, text and HTML bodies (decoded from their charsets and transfer encodings) and every
/// other part as an attachment.
/// </summary>
internal static class MimeMailReader
{
    /// <summary>Fills <paramref name="raw"/>; an unreadable message is the error (<paramref name="field"/>, "mime").</summary>
    public static async Task ReadAsync(Stream stream, string field, RawMail raw, CancellationToken ct)
    {
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(stream, ct);
        }
        catch (FormatException)
        {
            // MimeKit's ParseException: not even a header block (an empty body, say).
            raw.Errors.Add(new(field, "mime"));
            return;
        }

        using (message)
        {
            MimeHeaders.AddAll(raw.Headers, message);
            raw.Text = Limited(message.TextBody, "text", raw);
            raw.Html = Limited(message.HtmlBody, "html", raw);
            foreach (TextPart body in message.BodyParts.OfType<TextPart>().Where(IsBody))
            {
                if (body.ContentType.Charset is { Length: > 0 } && body.ContentType.CharsetEncoding is null)
                {
                    // MimeKit decodes it as UTF-8, else Latin-1: better a few odd characters than a lost mail.
                    AddOnce(raw.Warnings, new(body.IsHtml ? "html" : "text", "charset-unknown"));
                }
            }

            int number = 0;
            foreach (MimeEntity entity in message.BodyParts.Where(e => e is not TextPart text || !IsBody(text)))
            {
                number++;
                if (number > MailLimits.MaxAttachments)
                {
                    AddOnce(raw.Errors, new("attachments", "max-count"));
                    break;
                }

                using var content = new MemoryStream();
                if (entity is MimePart part)
                {
                    await (part.Content?.DecodeToAsync(content, ct) ?? Task.CompletedTask);
                }
                else if (entity is MessagePart { Message: { } attached })
                {
                    // An attached message (message/rfc822) is kept as the .eml it was.
                    await attached.WriteToAsync(content, ct);
                }

                if (content.Length > MailLimits.MaxFieldBytes)
                {
                    raw.Errors.Add(new($"attachment{number}", "max-size"));
                    continue;
                }

                string? fileName = entity.ContentDisposition?.FileName ?? entity.ContentType.Name;
                raw.Attachments.Add(new MailAttachment(
                    string.IsNullOrWhiteSpace(fileName) ? $"attachment{number}{(entity is MessagePart ? ".eml" : "")}" : fileName,
                    entity.ContentType.MimeType,
                    content.ToArray(),
                    string.IsNullOrEmpty(entity.ContentId) ? null : entity.ContentId));
            }
        }
    }

    /// <summary>A plain or HTML part not marked as an attachment: the mail's text, not a file.</summary>
    private static bool IsBody(TextPart part) => !part.IsAttachment && (part.IsPlain || part.IsHtml);

    private static string? Limited(string? text, string field, RawMail raw)
    {
        if (text is { Length: > MailLimits.MaxFieldBytes })
        {
            raw.Errors.Add(new(field, "max-size"));
            return null;
        }

        return text;
    }

    private static void AddOnce(List<MailParseError> list, MailParseError error)
    {
        if (!list.Contains(error))
        {
            list.Add(error);
        }
    }
}
