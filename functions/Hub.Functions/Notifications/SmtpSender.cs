using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Hub.Functions.Notifications;

/// <summary>
/// Optional SMTP delivery through MailKit, the message built by MimeKit: multipart/alternative, text then HTML, with
/// the hub's headers (loop marker, outbox id); Bcc recipients are in the envelope only. A 5xx reply (mailbox refused,
/// message rejected) is permanent, and so is a mail that cannot be built (a malformed address, a line break in a
/// header value), since every retry would fail the same way; anything else (connection, TLS, timeout, 4xx, a refused
/// login, which is the operator's to fix) is transient and left to the outbox sweeper.
/// </summary>
public sealed class SmtpSender(EmailOptions options, ILogger<SmtpSender> logger) : IMailSender
{
    private static readonly ParserOptions StrictAddresses = new() { AllowAddressesWithoutDomain = false };

    public string Name => "smtp";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        MimeMessage message = Build(mail);
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.SmtpHost ?? throw new InvalidOperationException("Hub__Email__SmtpHost is not set."), options.SmtpPort, Security(), cancellationToken);
            if (options.SmtpUser is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, options.SmtpPassword ?? "", cancellationToken);
            }

            string reply = await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            logger.LogInformation("SMTP server {Host} accepted mail {OutboxId}: {Reply}", options.SmtpHost, mail.Id, reply);
        }
        catch (SmtpCommandException ex)
        {
            int code = (int)ex.StatusCode;
            throw new MailSendException($"SMTP send of mail {mail.Id} failed ({code} {ex.ErrorCode}): {ex.Message}", permanent: code is >= 500 and < 600, code);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or AuthenticationException or SslHandshakeException or IOException
            or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new MailSendException($"SMTP send of mail {mail.Id} to {options.SmtpHost}:{options.SmtpPort} failed ({ex.GetType().Name}): {ex.Message}", permanent: false);
        }
    }

    /// <summary>The MIME message as the server receives it. Throws a permanent <see cref="MailSendException"/> when it cannot be built.</summary>
    public static MimeMessage Build(OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        try
        {
            var message = new MimeMessage();
            message.From.Add(Mailbox(mail.From, mail.FromName));
            message.To.AddRange((mail.To.Count > 0 ? mail.To : [mail.From]).Select(a => Mailbox(a)));
            message.Bcc.AddRange(mail.Bcc.Select(a => Mailbox(a)));
            message.ReplyTo.Add(Mailbox(mail.ReplyTo));
            message.Subject = SingleLine("Subject", mail.Subject);
            foreach ((string name, string value) in mail.Headers)
            {
                message.Headers.Add(name, SingleLine(name, value));
            }

            message.Body = new MultipartAlternative
            {
                new TextPart(MimeKit.Text.TextFormat.Plain) { Text = mail.Text },
                new TextPart(MimeKit.Text.TextFormat.Html) { Text = mail.Html },
            };
            return message;
        }
        catch (Exception ex) when (ex is ParseException or ArgumentException or FormatException)
        {
            // The same mail is refused on every retry, so it is permanent rather than left to the sweeper forever.
            throw new MailSendException($"SMTP send of mail {mail.Id} refused before transfer ({ex.GetType().Name}): {ex.Message}", permanent: true);
        }
    }

    private SecureSocketOptions Security() => !options.SmtpEnableSsl
        ? SecureSocketOptions.None
        : options.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;

    private static MailboxAddress Mailbox(string address, string? name = null)
    {
        MailboxAddress parsed = MailboxAddress.Parse(StrictAddresses, address);
        if (name is not null)
        {
            parsed.Name = name;
        }

        return parsed;
    }

    // MimeKit would fold or encode a line break; the hub refuses it instead (templates collapse white space, so only a
    // hand-built mail gets here), so no value can add a header of its own.
    private static string SingleLine(string header, string value) =>
        value.AsSpan().IndexOfAny('\r', '\n') < 0 ? value : throw new FormatException($"the {header} header contains a line break.");
}
