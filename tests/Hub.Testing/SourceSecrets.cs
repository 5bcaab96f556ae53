namespace Hub.Testing;

/// <summary>
/// A secret for every webhook source in the shipped config/hub.yaml: the hub refuses to start while a source it lists
/// has none. Test values (not dev-only-, so a hub in Production accepts them); a test of a source sets its own.
/// </summary>
public static class SourceSecrets
{
    public static IReadOnlyDictionary<string, string?> Shipped { get; } = new Dictionary<string, string?>
    {
        ["Hub__Secrets__MailBasicAuth"] = "test-mail:test-mail-password-0123",
        ["Hub__Secrets__AlertmanagerToken"] = "test-alertmanager-token-0123",
        // Standard Webhooks: whsec_ then base64 ("test-grafana-secret-0123").
        ["Hub__Secrets__GrafanaWebhookSecret"] = "whsec_dGVzdC1ncmFmYW5hLXNlY3JldC0wMTIz",
        ["Hub__Secrets__AzureMonitorToken"] = "test-azure-monitor-token-0123",
        ["Hub__Secrets__PagerDutyToken"] = "test-pagerduty-token-0123",
        ["Hub__Secrets__RtWebhookSecret"] = "test-rt-webhook-secret-0123",
    };

    /// <summary><paramref name="settings"/> with the shipped sources' secrets added where it sets none.</summary>
    public static Dictionary<string, string?> With(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var all = new Dictionary<string, string?>(Shipped, StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string? value) in settings)
        {
            all[key] = value;
        }

        return all;
    }
}
