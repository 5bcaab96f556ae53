using Hub.Domain.Intake.Mail;

namespace Hub.Functions.Intake.Mail;

/// <summary>Interprets a <see cref="RawMail"/>: addresses, subject, threading ids, loop and auto-reply markers.</summary>
internal static class MailAssembler
{
    public static MailParseResult Build(RawMail raw)
    {
        var errors = new List<MailParseError>(raw.Errors);
        if (errors.Exists(e => e.Field == "body"))
        {
            // The body itself is unreadable: "from is missing" would only be noise.
            return new MailParseResult(null, errors) { Warnings = raw.Warnings };
        }

        IReadOnlyList<KeyValuePair<string, string>> headers = raw.Headers;

        // The dedicated fields win; the header block is the fallback for formats (or senders) that only give headers.
        string? fromText = raw.From ?? HeaderBlock.First(headers, "From");
        MailAddress? from = null;
        if (string.IsNullOrWhiteSpace(fromText))
        {
            // A from of the wrong JSON type is already reported as such.
            AddUnlessReported(errors, new("from", "required"));
        }
        else
        {
            from = AddressList.Parse(fromText).FirstOrDefault();
            if (from is null)
            {
                errors.Add(new("from", "address"));
            }
        }

        // A broken To or Cc entry is dropped, not fatal: losing a customer's mail over a mangled Cc is worse.
        List<MailAddress> to = AddressList.Parse(raw.To ?? HeaderBlock.First(headers, "To"));
        List<MailAddress> cc = AddressList.Parse(raw.Cc ?? HeaderBlock.First(headers, "Cc"));
        if (to.Count == 0 && raw.EnvelopeTo.Count == 0)
        {
            AddUnlessReported(errors, new("to", "required"));
        }

        if (errors.Count > 0)
        {
            return new MailParseResult(null, errors) { Warnings = raw.Warnings };
        }

        Dictionary<string, string> decoded = HeaderBlock.ToDictionary(headers);
        string subject = EncodedWords.Decode(raw.Subject ?? HeaderBlock.First(headers, "Subject") ?? string.Empty).Trim();
        var mail = new InboundMail(
            from!,
            to,
            cc,
            raw.EnvelopeTo.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length > 0).ToList(),
            subject,
            raw.Text,
            raw.Html,
            decoded,
            MessageIds.Parse(raw.MessageId ?? HeaderBlock.First(headers, "Message-ID")).FirstOrDefault(),
            MessageIds.Parse(raw.InReplyTo ?? HeaderBlock.First(headers, "In-Reply-To")).FirstOrDefault(),
            raw.References?.SelectMany(MessageIds.Parse).ToList() ?? MessageIds.Parse(HeaderBlock.First(headers, "References")),
            raw.Attachments,
            AutoSubmission.IsAutoSubmitted(decoded),
            decoded.ContainsKey(MailThreading.LoopHeader));
        return new MailParseResult(mail, []) { Warnings = raw.Warnings };
    }

    private static void AddUnlessReported(List<MailParseError> errors, MailParseError error)
    {
        if (!errors.Exists(e => e.Field == error.Field))
        {
            errors.Add(error);
        }
    }
}
