using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Functions.Notifications;

/// <summary>
/// SendGrid v3 Mail Send (<c>POST /v3/mail/send</c>, bearer API key):
/// https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send. 202 is success; 429 and 5xx (and a timeout)
/// are retried with exponential back-off and jitter, honouring Retry-After up to <see cref="EmailOptions.MaxRetryAfter"/>;
/// one send never takes longer than <see cref="EmailOptions.MaxSendTime"/>; after the last attempt the send fails as
/// transient and the outbox sweeper tries again later. Any other 4xx is permanent and carries SendGrid's error
/// messages. <c>custom_args.outbox_id</c> is the outbox row's idempotency key, so a duplicate is traceable in the
/// SendGrid event webhook and activity feed.
/// </summary>
public sealed class SendGridSender(EmailOptions options, ILogger<SendGridSender> logger) : IMailSender, IDisposable
{
    public const string OutboxIdArg = "outbox_id";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    // Headers SendGrid sets itself or refuses in "headers" (its docs list the reserved ones).
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-sg-id", "x-sg-eid", "received", "dkim-signature", "Content-Type", "Content-Transfer-Encoding", "To", "From", "Subject", "Reply-To", "CC", "BCC",
    };

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = options.SendGridUrl,
        Timeout = options.Timeout,
    };

    public string Name => "sendgrid";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        SendGridRequest request = Build(mail);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string failure;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, "v3/mail/send") { Content = JsonContent.Create(request, options: Json) };
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.SendGridApiKey);
                using HttpResponseMessage response = await _http.SendAsync(message, cancellationToken);
                int status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    logger.LogInformation("SendGrid accepted mail {OutboxId} ({Status}, message id {MessageId})", mail.Id, status,
                        response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null);
                    return;
                }

                string errors = await ErrorsAsync(response, cancellationToken);
                if (status != 429 && status != 408 && status < 500)
                {
                    throw new MailSendException($"SendGrid refused mail {mail.Id} ({status}): {errors}", permanent: true, status);
                }

                retryAfter = response.Headers.RetryAfter?.Delta;
                failure = $"SendGrid answered {status}: {errors}";
            }
            catch (HttpRequestException ex)
            {
                failure = $"SendGrid could not be reached: {ex.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"SendGrid did not answer within {options.Timeout.TotalSeconds:F0} s";
            }

            if (attempt >= options.MaxAttempts)
            {
                throw new MailSendException($"{failure} (after {attempt} attempts); the outbox sweeper retries mail {mail.Id}", permanent: false);
            }

            // Retry-After is honoured up to MaxRetryAfter (a longer wait is cut to it): the whole send stays within
            // EmailOptions.MaxSendTime, so the outbox sweeper never picks the row up while this send still retries.
            TimeSpan delay = retryAfter is { } wait && wait >= TimeSpan.Zero
                ? (wait <= options.MaxRetryAfter ? wait : options.MaxRetryAfter)
                : options.BackOff(attempt) * (0.8 + (0.4 * Random.Shared.NextDouble()));
            if (elapsed.Elapsed + delay + options.Timeout > EmailOptions.MaxSendTime)
            {
                throw new MailSendException($"{failure} (after {attempt} attempts, {elapsed.Elapsed.TotalSeconds:F0} s: another attempt could outlast {EmailOptions.MaxSendTime.TotalSeconds:F0} s); the outbox sweeper retries mail {mail.Id}", permanent: false);
            }

            logger.LogWarning("Mail {OutboxId}: {Failure}; attempt {Attempt} of {Max}, next in {Delay}", mail.Id, failure, attempt, options.MaxAttempts, delay);
            await Task.Delay(delay, cancellationToken);
        }
    }

    /// <summary>The documented request: one personalization (To, Bcc; SendGrid requires a To), content text then HTML.</summary>
    public static SendGridRequest Build(OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var args = new Dictionary<string, string> { [OutboxIdArg] = mail.Id };
        // Only Bcc (staff mail with no visible recipient): address it to the hub itself.
        IReadOnlyList<string> to = mail.To.Count > 0 ? mail.To : [mail.From];
        // SendGrid refuses an address that appears twice in one personalization.
        string[] bcc = [.. mail.Bcc.Where(b => !to.Contains(b, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase)];
        return new SendGridRequest(
            [new SendGridPersonalization([.. to.Select(a => new SendGridAddress(a))], bcc.Length == 0 ? null : [.. bcc.Select(a => new SendGridAddress(a))], args)],
            new SendGridAddress(mail.From, mail.FromName),
            new SendGridAddress(mail.ReplyTo),
            mail.Subject,
            [new SendGridContent("text/plain", mail.Text), new SendGridContent("text/html", mail.Html)],
            mail.Headers.Where(h => !Reserved.Contains(h.Key)).ToDictionary(h => h.Key, h => h.Value),
            [.. mail.Categories.Distinct(StringComparer.Ordinal).Take(10)],
            args);
    }

    private static async Task<string> ErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
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

    public void Dispose() => _http.Dispose();
}

public sealed record SendGridRequest(
    [property: JsonPropertyName("personalizations")] IReadOnlyList<SendGridPersonalization> Personalizations,
    [property: JsonPropertyName("from")] SendGridAddress From,
    [property: JsonPropertyName("reply_to")] SendGridAddress ReplyTo,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("content")] IReadOnlyList<SendGridContent> Content,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("categories")] IReadOnlyList<string> Categories,
    [property: JsonPropertyName("custom_args")] IReadOnlyDictionary<string, string> CustomArgs);

public sealed record SendGridPersonalization(
    [property: JsonPropertyName("to")] IReadOnlyList<SendGridAddress> To,
    [property: JsonPropertyName("bcc")] IReadOnlyList<SendGridAddress>? Bcc,
    [property: JsonPropertyName("custom_args")] IReadOnlyDictionary<string, string> CustomArgs);

public sealed record SendGridAddress([property: JsonPropertyName("email")] string Email, [property: JsonPropertyName("name")] string? Name = null);

public sealed record SendGridContent([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("value")] string Value);
