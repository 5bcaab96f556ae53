using Hub.Domain.Intake.Mail;
using MimeKit;

namespace Hub.Functions.Intake.Mail;

/// <summary>Interprets a <see cref="RawMail"/>: addresses, subject, threading ids, loop and auto-reply markers.</summary>
internal static class MailAssembler
{
    public static MailParseResult Build(RawMail raw)
    {
        var errors = new List<MailParseError>(raw.Errors);
        if (errors.Exists(e => e.Field is "body" or "email"))
        {
            // The body itself is unreadable: "from is missing" would only be noise.
            return new MailParseResult(null, errors) { Warnings = raw.Warnings };
        }

        HeaderList headers = raw.Headers;

        // The dedicated fields win; the header block is the fallback for formats (or senders) that only give headers.
        List<MailAddress> fromList = raw.From is not null ? MimeHeaders.Mailboxes(raw.From) : MimeHeaders.Mailboxes(MimeHeaders.Raw(headers, HeaderId.From));
        MailAddress? from = fromList.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(raw.From ?? MimeHeaders.Value(headers, HeaderId.From)))
        {
            // A from of the wrong JSON type is already reported as such.
            AddUnlessReported(errors, new("from", "required"));
        }
        else if (from is null)
        {
            errors.Add(new("from", "address"));
        }

        // A broken To or Cc entry is dropped, not fatal: losing a customer's mail over a mangled Cc is worse.
        List<MailAddress> to = raw.To is not null ? MimeHeaders.Mailboxes(raw.To) : MimeHeaders.Mailboxes(MimeHeaders.Raw(headers, HeaderId.To));
        List<MailAddress> cc = raw.Cc is not null ? MimeHeaders.Mailboxes(raw.Cc) : MimeHeaders.Mailboxes(MimeHeaders.Raw(headers, HeaderId.Cc));
        if (to.Count == 0 && raw.EnvelopeTo.Count == 0)
        {
            AddUnlessReported(errors, new("to", "required"));
        }

        if (errors.Count > 0)
        {
            return new MailParseResult(null, errors) { Warnings = raw.Warnings };
        }

        Dictionary<string, string> decoded = Decoded(headers);
        string subject = (raw.Subject is not null ? MimeHeaders.DecodeWords(raw.Subject) : MimeHeaders.Value(headers, HeaderId.Subject) ?? string.Empty).Trim();
        var mail = new InboundMail(
            from!,
            to,
            cc,
            raw.EnvelopeTo.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length > 0).ToList(),
            subject,
            raw.Text,
            raw.Html,
            decoded,
            MimeHeaders.MessageId(raw.MessageId ?? MimeHeaders.Value(headers, HeaderId.MessageId)),
            MimeHeaders.MessageId(raw.InReplyTo ?? MimeHeaders.Value(headers, HeaderId.InReplyTo)),
            raw.References?.SelectMany(MimeHeaders.References).ToList() ?? MimeHeaders.References(MimeHeaders.Value(headers, HeaderId.References)).ToList(),
            raw.Attachments,
            AutoSubmission.IsAutoSubmitted(decoded),
            decoded.ContainsKey(MailThreading.LoopHeader));
        return new MailParseResult(mail, []) { Warnings = raw.Warnings };
    }

    /// <summary>Decoded values with case-insensitive keys; repeated headers joined by "\n" in order.</summary>
    private static Dictionary<string, string> Decoded(HeaderList headers)
    {
        var dictionary = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Header header in headers)
        {
            // Header.Value is unfolded and RFC 2047 decoded.
            string value = header.Value.Trim();
            dictionary[header.Field] = dictionary.TryGetValue(header.Field, out string? earlier) ? $"{earlier}\n{value}" : value;
        }

        return dictionary;
    }

    private static void AddUnlessReported(List<MailParseError> errors, MailParseError error)
    {
        if (!errors.Exists(e => e.Field == error.Field))
        {
            errors.Add(error);
        }
    }
}
