using System.Text.Json;
using Polly.Timeout;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Hub.Functions.Notifications;

/// <summary>
/// SendGrid v3 Mail Send (<c>POST /v3/mail/send</c>, bearer API key) through the SendGrid package:
/// https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send. 202 is success. The
/// <see cref="ClientName"/> HTTP client retries 429, 5xx and timeouts within <see cref="EmailOptions.Policy"/>
/// (Outbound/OutboundHttp.cs; SendGrid's own retry handler is not used); what is still failing after that is
/// transient and the outbox sweeper tries again later. Any other 4xx is permanent and carries SendGrid's error
/// messages. <c>custom_args.outbox_id</c> is the outbox row's idempotency key, so a duplicate is traceable in the
/// SendGrid event webhook and activity feed.
/// </summary>
public sealed class SendGridSender(EmailOptions options, IHttpClientFactory clients, ILogger<SendGridSender> logger) : IMailSender
{
    public const string ClientName = "sendgrid";

    public const string OutboxIdArg = "outbox_id";

    // Headers SendGrid sets itself or refuses in "headers" (its docs list the reserved ones).
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-sg-id", "x-sg-eid", "received", "dkim-signature", "Content-Type", "Content-Transfer-Encoding", "To", "From", "Subject", "Reply-To", "CC", "BCC",
    };

    public string Name => "sendgrid";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var client = new SendGridClient(clients.CreateClient(ClientName), new SendGridClientOptions
        {
            ApiKey = options.SendGridApiKey,
            Host = options.SendGridUrl.ToString(),
            // No retries of its own (the default, made explicit): the outbound pipeline is the one that retries.
            ReliabilitySettings = new SendGrid.Helpers.Reliability.ReliabilitySettings(),
        });
        Response response;
        try
        {
            response = await client.SendEmailAsync(Build(mail), cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new MailSendException($"SendGrid could not be reached: {ex.Message}; the outbox sweeper retries mail {mail.Id}", permanent: false);
        }
        catch (TimeoutRejectedException)
        {
            throw new MailSendException($"SendGrid did not answer within {options.Timeout.TotalSeconds:F0} s; the outbox sweeper retries mail {mail.Id}", permanent: false);
        }

        int status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            logger.LogInformation("SendGrid accepted mail {OutboxId} ({Status}, message id {MessageId})", mail.Id, status,
                response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null);
            return;
        }

        string errors = await ErrorsAsync(response, cancellationToken);
        bool permanent = status != 429 && status != 408 && status < 500;
        throw permanent
            ? new MailSendException($"SendGrid refused mail {mail.Id} ({status}): {errors}", permanent: true, status)
            : new MailSendException($"SendGrid answered {status}: {errors}; the outbox sweeper retries mail {mail.Id}", permanent: false, status);
    }

    /// <summary>The documented request: one personalization (To, Bcc; SendGrid requires a To), content text then HTML.</summary>
    public static SendGridMessage Build(OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        // Only Bcc (staff mail with no visible recipient): address it to the hub itself.
        IReadOnlyList<string> to = mail.To.Count > 0 ? mail.To : [mail.From];
        // SendGrid refuses an address that appears twice in one personalization.
        string[] bcc = [.. mail.Bcc.Where(b => !to.Contains(b, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase)];
        var headers = mail.Headers.Where(h => !Reserved.Contains(h.Key)).ToDictionary(h => h.Key, h => h.Value);
        string[] categories = [.. mail.Categories.Distinct(StringComparer.Ordinal).Take(10)];
        return new SendGridMessage
        {
            Personalizations =
            [
                new Personalization
                {
                    Tos = [.. to.Select(a => new EmailAddress(a))],
                    Bccs = bcc.Length == 0 ? null : [.. bcc.Select(a => new EmailAddress(a))],
                    CustomArgs = new Dictionary<string, string> { [OutboxIdArg] = mail.Id },
                },
            ],
            From = new EmailAddress(mail.From, mail.FromName),
            ReplyTo = new EmailAddress(mail.ReplyTo),
            Subject = mail.Subject,
            PlainTextContent = mail.Text,
            HtmlContent = mail.Html,
            Headers = headers.Count == 0 ? null : headers,
            Categories = categories.Length == 0 ? null : [.. categories],
            CustomArgs = new Dictionary<string, string> { [OutboxIdArg] = mail.Id },
        };
    }

    private static async Task<string> ErrorsAsync(Response response, CancellationToken cancellationToken)
    {
        string body = response.Body is null ? "" : await response.Body.ReadAsStringAsync(cancellationToken);
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array)
            {
                return string.Join("; ", errors.EnumerateArray().Select(e =>
                    (e.TryGetProperty("field", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString() + ": " : "")
                    + (e.TryGetProperty("message", out JsonElement m) ? m.GetString() : "")));
            }
        }
        catch (JsonException)
        {
            // Not SendGrid's JSON (a proxy's error page): report the start of it.
        }

        return body.Length > 300 ? body[..300] : body.Length == 0 ? response.StatusCode.ToString() : body;
    }
}
