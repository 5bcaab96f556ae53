using Microsoft.Net.Http.Headers;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// Parses an inbound mail webhook body: SendGrid Inbound Parse (multipart/form-data, default or raw mode), the hub's
/// own JSON mail format (application/json, docs/mail.md) or a MIME message as it is (message/rfc822, an .eml). Never
/// throws for bad input: every problem is a <see cref="MailParseError"/>.
/// </summary>
public static class InboundMailParser
{
    public static async Task<MailParseResult> ParseAsync(string contentType, Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);

        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? mediaType))
        {
            return Refused("content-type", "unsupported");
        }

        if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            string boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).ToString();
            if (boundary.Length == 0)
            {
                return Refused("content-type", "boundary");
            }

            return MailAssembler.Build(await SendGridFormReader.ReadAsync(boundary, body, ct));
        }

        if (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return MailAssembler.Build(await JsonMailReader.ReadAsync(body, ct));
        }

        if (mediaType.MediaType.Equals("message/rfc822", StringComparison.OrdinalIgnoreCase))
        {
            var raw = new RawMail();
            await MimeMailReader.ReadAsync(body, "body", raw, ct);
            return MailAssembler.Build(raw);
        }

        return Refused("content-type", "unsupported");
    }

    private static MailParseResult Refused(string field, string rule) => new(null, [new MailParseError(field, rule)]);
}
