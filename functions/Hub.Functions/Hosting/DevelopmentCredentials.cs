using System.Text;
using Hub.Domain.Security;
using Hub.Functions.Security;

namespace Hub.Functions.Hosting;

/// <summary>
/// Refuses development-only credentials outside Development: the admin key shipped in local.settings.sample.json and
/// any value starting with <c>dev-only-</c> (for a Standard Webhooks secret, whose key is base64 after <c>whsec_</c>,
/// a key starting with it). Only the hub's own settings are looked at: the <c>Hub</c> section and the settings the
/// domain configuration names for secrets; an operator's unrelated environment variables are not the hub's business.
/// The error names the setting, never the value.
/// </summary>
internal static class DevelopmentCredentials
{
    public const string Prefix = "dev-only-";

    public const string SampleAdminKey = "dev-only-admin-key-for-local-runs";

    public static void Check(IConfiguration configuration, IHostEnvironment environment, IEnumerable<string> secretSettings)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        IEnumerable<(string Key, string? Value)> hub = configuration.GetSection(HubOptions.Section).AsEnumerable()
            .Select(p => (p.Key, p.Value));
        IEnumerable<(string Key, string? Value)> named = secretSettings
            .Select(s => (Key: s.Replace("__", ":", StringComparison.Ordinal), Value: configuration[s.Replace("__", ":", StringComparison.Ordinal)] ?? configuration[s]));
        foreach ((string key, string? value) in hub.Concat(named).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is not null && IsDevelopmentOnly(value))
            {
                throw new HubStartupException(
                    $"Setting '{key.Replace(":", "__", StringComparison.Ordinal)}' holds a development-only credential, which is refused in the " +
                    $"'{environment.EnvironmentName}' environment; set a real value, or ASPNETCORE_ENVIRONMENT=Development for a local run.");
            }
        }
    }

    private static bool IsDevelopmentOnly(string value) =>
        value == SampleAdminKey
        || value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
        || (value.StartsWith(StandardWebhooks.SecretPrefix, StringComparison.Ordinal)
            && StandardWebhooks.TryDecodeSecret(value, out byte[] key)
            && Encoding.UTF8.GetString(key).StartsWith(Prefix, StringComparison.OrdinalIgnoreCase));
}
