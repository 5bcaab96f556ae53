using Microsoft.Extensions.Configuration;

namespace Hub.Standalone.Settings;

/// <summary>
/// App settings as the Functions host sees them, with its <c>%Name%</c> expansion in trigger attributes. A name is
/// looked up as written and then in configuration spelling: the environment variable <c>Hub__X</c> (which the
/// Functions host's <c>%Hub__X%</c> names) is the configuration key <c>Hub:X</c> once .NET has read it.
/// </summary>
public sealed class AppSettings(IConfiguration configuration)
{
    public const string StorageSetting = "AzureWebJobsStorage";

    public string? this[string name] =>
        configuration[name] is { } value ? value
        : name.Contains("__", StringComparison.Ordinal) ? configuration[name.Replace("__", ":", StringComparison.Ordinal)]
        : null;

    public string StorageConnectionString => Required(StorageSetting);

    public string Required(string name) =>
        this[name] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The app setting '{name}' is missing (local.settings.json Values or the environment).");

    /// <summary>Replaces every <c>%Name%</c> with the setting's value, as the Functions host does for trigger attributes.</summary>
    public string Resolve(string value)
    {
        var result = new System.Text.StringBuilder();
        int index = 0;
        while (index < value.Length)
        {
            int start = value.IndexOf('%', index);
            int end = start < 0 ? -1 : value.IndexOf('%', start + 1);
            if (end < 0)
            {
                result.Append(value, index, value.Length - index);
                break;
            }

            result.Append(value, index, start - index);
            result.Append(Required(value[(start + 1)..end]));
            index = end + 1;
        }

        return result.ToString();
    }

    /// <summary>The connection a trigger names (its <c>Connection</c> property), falling back to AzureWebJobsStorage.</summary>
    public string Connection(string? name) =>
        string.IsNullOrEmpty(name) ? StorageConnectionString : this[name] ?? Required("AzureWebJobs" + name);
}
