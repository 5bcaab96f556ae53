using System.Net;
using System.Net.Mail;
using System.Net.Mime;

namespace Hub.Functions.Notifications;

/// <summary>
/// Optional SMTP delivery (System.Net.Mail): a multipart/alternative mail, text then HTML, with the hub's headers
/// (loop marker, outbox id). A 5xx reply (mailbox refused, message rejected) is permanent; anything else is transient
/// and left to the outbox sweeper.
/// </summary>
public sealed class SmtpSender(EmailOptions options) : IMailSender
{
    public string Name => "smtp";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
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
