using Hub.Functions.Outbound;

namespace Hub.Functions.Notifications;

/// <summary>The <c>Hub__Email__*</c> settings: which sender delivers mail and its secrets. Validated at start.</summary>
public sealed class EmailOptions
{
    public const string Section = "Hub:Email";

    /// <summary>outbox (default: blob storage, listed at /outbox), sendgrid or smtp.</summary>
    public string Sender { get; set; } = "outbox";

    /// <summary>The SendGrid API key (Key Vault reference in Azure). Required for sendgrid.</summary>
    public string? SendGridApiKey { get; set; }

    /// <summary>The SendGrid API base URL. Default https://api.sendgrid.com.</summary>
    public Uri SendGridUrl { get; set; } = new("https://api.sendgrid.com");

    /// <summary>
    /// The longest one send may take, all attempts, back-off and Retry-After waits included. It stays under the outbox
    /// relay's age (<c>OutboxDispatcher.DefaultRelayAge</c>), so the relay never hands over a row whose first send is still
    /// retrying. The settings below are validated against it at start.
    /// </summary>
    public static readonly TimeSpan MaxSendTime = TimeSpan.FromMinutes(2);

    /// <summary>Attempts per send on 429 and 5xx (the first included) before the outbox sweeper takes over. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with jitter, up to <see cref="MaxRetryAfter"/>. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts: a longer Retry-After is cut to this. Default 10 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Per-attempt time limit (SMTP: per connection, command and reply). Default 20 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>These settings as the bounds of the SendGrid client's resilience pipeline.</summary>
    public OutboundPolicy Policy() => new(MaxAttempts, RetryDelay, MaxRetryAfter, Timeout, MaxSendTime) { CutLongRetryAfter = true };

    /// <summary>The longest a send can take with these settings: every attempt timing out and every wait at its longest.</summary>
    public TimeSpan WorstCaseSendTime() => (Timeout * MaxAttempts) + (MaxRetryAfter * (MaxAttempts - 1));

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public bool SmtpEnableSsl { get; set; } = true;

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    public IEnumerable<string> Validate()
    {
        if (Sender is not ("outbox" or "sendgrid" or "smtp"))
        {
            yield return $"Hub__Email__Sender '{Sender}' must be outbox, sendgrid or smtp.";
        }

        if (Sender == "sendgrid" && string.IsNullOrWhiteSpace(SendGridApiKey))
        {
            yield return "Hub__Email__SendGridApiKey is required when Hub__Email__Sender is sendgrid.";
        }

        if (Sender == "smtp" && string.IsNullOrWhiteSpace(SmtpHost))
        {
            yield return "Hub__Email__SmtpHost is required when Hub__Email__Sender is smtp.";
        }

        if (MaxAttempts is < 1 or > 10)
        {
            yield return "Hub__Email__MaxAttempts must be between 1 and 10.";
        }

        if (RetryDelay < TimeSpan.Zero || Timeout < TimeSpan.FromMilliseconds(10) || MaxRetryAfter < TimeSpan.Zero)
        {
            yield return "Hub__Email__RetryDelay and Hub__Email__MaxRetryAfter must not be negative and Hub__Email__Timeout must be at least 10 ms.";
        }
        else if (MaxAttempts is >= 1 and <= 10 && WorstCaseSendTime() > MaxSendTime)
        {
            yield return $"Hub__Email__MaxAttempts × Timeout plus the waits between attempts may take {WorstCaseSendTime().TotalSeconds:F0} s; one send must fit in {MaxSendTime.TotalSeconds:F0} s (below the outbox sweeper's age).";
        }
    }
}
