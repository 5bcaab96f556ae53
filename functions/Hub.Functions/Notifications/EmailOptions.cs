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

    /// <summary>Attempts per send on 429 and 5xx (the first included) before the outbox sweeper takes over. Default 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; each next one doubles, with jitter; a Retry-After header wins up to 60 s. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-request time limit. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

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

        if (RetryDelay < TimeSpan.Zero || Timeout <= TimeSpan.Zero)
        {
            yield return "Hub__Email__RetryDelay must not be negative and Hub__Email__Timeout must be positive.";
        }
    }
}
