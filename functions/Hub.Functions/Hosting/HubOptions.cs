using System.Text.RegularExpressions;
using Hub.Storage.Durable;

namespace Hub.Functions.Hosting;

/// <summary>
/// The <c>Hub</c> settings (app settings <c>Hub__*</c>). Defaults suit a local run; every value is validated at start.
/// </summary>
public sealed partial class HubOptions
{
    public const string Section = "Hub";

    /// <summary>
    /// Key for the admin routes (<c>POST /admin/functions/{name}</c> on the standalone host, <c>/api/admin/poison</c>),
    /// header x-functions-key. Unset: they refuse everyone.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// Names the timer lock and status blobs of the standalone host: instances with the same id share each timer's
    /// schedule. All instances of one hub must agree. Default "hub".
    /// </summary>
    public string HostId { get; set; } = "hub";

    /// <summary>This instance's id (heartbeat blob name). Default: WEBSITE_INSTANCE_ID, else machine name and process id.</summary>
    public string? InstanceId { get; set; }

    /// <summary>NCRONTAB schedule of the Housekeeping function. Default every five minutes.</summary>
    public string HousekeepingSchedule { get; set; } = "0 */5 * * * *";

    /// <summary>NCRONTAB schedule of the OutboxRelay function. Default every minute, at second 30.</summary>
    public string OutboxRelaySchedule { get; set; } = "30 * * * * *";

    /// <summary>
    /// Names the durable runtime's storage: table &lt;name&gt;, queues &lt;name&gt;-work and &lt;name&gt;-work-poison,
    /// container &lt;name&gt;-spill. Default "hub". Every instance of one hub must agree.
    /// </summary>
    public string DurableName { get; set; } = "hub";

    /// <summary>The first wait before an effect that failed (a mail, a connector call) is tried again. Default 5 s.</summary>
    public TimeSpan EffectRetryDelay { get; set; } = EffectRetryPolicy.Default.FirstRetry;

    /// <summary>The longest wait between tries; each wait doubles up to it. Default 5 min.</summary>
    public TimeSpan EffectMaxRetryDelay { get; set; } = EffectRetryPolicy.Default.MaxRetry;

    /// <summary>How long a failing effect is retried before it is given up and the failure recorded. Default 1 day.</summary>
    public TimeSpan EffectGiveUpAfter { get; set; } = EffectRetryPolicy.Default.GiveUpAfter;

    public EffectRetryPolicy EffectRetry() => new(EffectRetryDelay, EffectRetryPolicy.Default.Backoff, EffectMaxRetryDelay, EffectGiveUpAfter);

    /// <summary>Standalone listen URLs (semicolon-separated). Default ASPNETCORE_URLS, else http://127.0.0.1:7071.</summary>
    public string? Urls { get; set; }

    /// <summary>The app root: the folder holding host.json and local.settings.json (or its child). Default: see <see cref="FunctionsRootLocator"/>.</summary>
    public string? FunctionsRoot { get; set; }

    /// <summary>IANA time zone for timer schedules (WEBSITE_TIME_ZONE is honoured too). Default UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// The hub's public base URL (e.g. https://hub.example.org), used in links the hub sends out (the link back on a
    /// ticket handed to RT, which also finds that RT ticket again). Default: https://WEBSITE_HOSTNAME in Azure, else the
    /// standalone listen URL. Never taken from a request: its Host header is the caller's to choose.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>
    /// How long an <c>Idempotency-Key</c> of a create is remembered (its request and answer); after that the key is
    /// new again and the Housekeeping timer deletes its record. Default 24 h.
    /// </summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>NCRONTAB schedule of the CertificateCheck function. Default daily at 06:00 (the hub's time zone).</summary>
    public string CertificateCheckSchedule { get; set; } = "0 0 6 * * *";

    /// <summary>A catalogued certificate expiring within this gets a ticket for its service's owners. Default 30 days.</summary>
    public TimeSpan CertificateLeadTime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The queue certificate tickets open in (it must be in the domain configuration). Default Admin.</summary>
    public string CertificateQueue { get; set; } = "Admin";

    /// <summary>Per-service time limit of the health probe. Default 3 s.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public IEnumerable<string> Validate()
    {
        if (PublicUrl is { OriginalString.Length: > 0 } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.PathAndQuery != "/"))
        {
            yield return $"Hub__PublicUrl '{url}' must be an absolute http(s) URL without a path, e.g. https://hub.example.org.";
        }

        if (!HostIdPattern().IsMatch(HostId))
        {
            yield return $"Hub__HostId '{HostId}' must be 1-32 lower-case letters, digits or dashes.";
        }

        if (InstanceId is { Length: > 0 } && !InstanceIdPattern().IsMatch(InstanceId))
        {
            yield return "Hub__InstanceId must be 1-64 letters, digits, dots, dashes or underscores.";
        }

        if (HealthTimeout <= TimeSpan.Zero || HealthTimeout > TimeSpan.FromMinutes(1))
        {
            yield return "Hub__HealthTimeout must be between 00:00:00 and 00:01:00.";
        }

        if (!DurableNamePattern().IsMatch(DurableName))
        {
            yield return $"Hub__DurableName '{DurableName}' must be 3-40 lower-case letters or digits, starting with a letter (it names a table).";
        }

        if (EffectRetryDelay <= TimeSpan.Zero || EffectMaxRetryDelay < EffectRetryDelay || EffectGiveUpAfter < EffectRetryDelay)
        {
            yield return "Hub__EffectRetryDelay must be positive, and Hub__EffectMaxRetryDelay and Hub__EffectGiveUpAfter at least as long.";
        }

        if (IdempotencyRetention < TimeSpan.FromMinutes(1) || IdempotencyRetention > TimeSpan.FromDays(30))
        {
            yield return "Hub__IdempotencyRetention must be between 00:01:00 and 30.00:00:00.";
        }

        if (CertificateLeadTime < TimeSpan.Zero || CertificateLeadTime > TimeSpan.FromDays(365))
        {
            yield return "Hub__CertificateLeadTime must be between 00:00:00 and 365.00:00:00.";
        }

        if (AdminKey is { Length: < 16 })
        {
            yield return "Hub__AdminKey must be at least 16 characters.";
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,31})$")]
    private static partial Regex HostIdPattern();

    [GeneratedRegex("^[a-z][a-z0-9]{2,39}$")]
    private static partial Regex DurableNamePattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex InstanceIdPattern();
}
