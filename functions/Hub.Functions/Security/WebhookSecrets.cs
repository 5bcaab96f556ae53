using Hub.Domain.Configuration;
using Hub.Domain.Security;

namespace Hub.Functions.Security;

/// <summary>
/// The secrets of a webhook source. Its first secret setting is required; the others are rotation secrets, used when
/// set, so an empty one means "no rotation in progress" rather than a source that can never authenticate.
/// </summary>
public static class WebhookSecrets
{
    /// <summary>The values of the settings that are set, in order; null when the required (first) one is missing or blank.</summary>
    public static IReadOnlyList<(string Setting, string Value)>? Read(WebhookSource source, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(settings);
        var secrets = new List<(string Setting, string Value)>(source.SecretSettings.Count);
        foreach (string setting in source.SecretSettings)
        {
            if (Value(settings, setting) is { } value)
            {
                secrets.Add((setting, value));
            }
            else if (secrets.Count == 0)
            {
                return null;
            }
        }

        return secrets.Count == 0 ? null : secrets;
    }

    /// <summary>
    /// Why each source could never authenticate, naming the setting and the source (never a value): the required
    /// setting is missing or blank, or a set value is unusable for the scheme. Empty when every source can.
    /// </summary>
    public static IEnumerable<string> Problems(IEnumerable<WebhookSource> sources, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (WebhookSource source in sources)
        {
            if (source.SecretSettings.Count == 0)
            {
                yield return $"Webhook source '{source.Name}' names no secret setting.";
                continue;
            }

            if (Value(settings, source.SecretSettings[0]) is null)
            {
                yield return $"Setting '{source.SecretSettings[0]}' (the secret of webhook source '{source.Name}') is not set; " +
                    "every source in the configuration needs its first secret setting, or remove the source.";
            }

            foreach (string setting in source.SecretSettings)
            {
                if (source.Auth == WebhookAuthScheme.StandardWebhooks && Value(settings, setting) is { } value && !StandardWebhooks.TryDecodeSecret(value, out _))
                {
                    yield return $"Setting '{setting}' (a secret of webhook source '{source.Name}') is not a Standard Webhooks secret (whsec_ then base64).";
                }
            }
        }
    }

    private static string? Value(IConfiguration settings, string setting) =>
        (settings[setting.Replace("__", ":", StringComparison.Ordinal)] ?? settings[setting]) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;
}
