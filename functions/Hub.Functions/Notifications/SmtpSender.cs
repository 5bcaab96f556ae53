using System.Net;
using System.Net.Mail;
using System.Net.Mime;

namespace Hub.Functions.Notifications;

/// <summary>
/// Optional SMTP delivery (System.Net.Mail): a multipart/alternative mail, text then HTML, with the hub's headers
/// (loop marker, outbox id). A 5xx reply (mailbox refused, message rejected) is permanent, and so is a mail
/// System.Net.Mail cannot build (malformed address, a line break in a header: ArgumentException/FormatException);
/// anything else is transient and left to the outbox sweeper.
/// </summary>
public sealed class SmtpSender(EmailOptions options) : IMailSender
{
    public string Name => "smtp";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        try
        {
            await TransferAsync(mail, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // System.Net.Mail refuses a malformed address, subject or header value up front; the same mail is refused
            // on every retry, so it is permanent rather than left to the sweeper forever.
            throw new MailSendException($"SMTP send of mail {mail.Id} refused before transfer ({ex.GetType().Name}): {ex.Message}", permanent: true);
        }
    }

    private async Task TransferAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        using var message = new MailMessage { From = new MailAddress(mail.From, mail.FromName), Subject = mail.Subject, BodyEncoding = System.Text.Encoding.UTF8, SubjectEncoding = System.Text.Encoding.UTF8 };
        foreach (string to in mail.To.Count > 0 ? mail.To : [mail.From])
        {
            message.To.Add(to);
        }

        foreach (string bcc in mail.Bcc)
        {
            message.Bcc.Add(bcc);
        }

        message.ReplyToList.Add(mail.ReplyTo);
        foreach ((string name, string value) in mail.Headers)
        {
            message.Headers.Add(name, value);
        }

        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(mail.Text, System.Text.Encoding.UTF8, MediaTypeNames.Text.Plain));
        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(mail.Html, System.Text.Encoding.UTF8, MediaTypeNames.Text.Html));

        using var client = new SmtpClient(options.SmtpHost, options.SmtpPort)
        {
            EnableSsl = options.SmtpEnableSsl,
            Timeout = (int)options.Timeout.TotalMilliseconds,
        };
        if (options.SmtpUser is { Length: > 0 } user)
        {
            client.Credentials = new NetworkCredential(user, options.SmtpPassword);
        }

        try
        {
            await client.SendMailAsync(message, cancellationToken);
        }
        catch (SmtpException ex)
        {
            int code = (int)ex.StatusCode;
            throw new MailSendException($"SMTP send of mail {mail.Id} failed ({ex.StatusCode}): {ex.Message}", permanent: code is >= 500 and < 600, code);
        }
    }
}
