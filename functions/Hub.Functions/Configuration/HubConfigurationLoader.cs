using Hub.Domain.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Functions.Configuration;

/// <summary>
/// Loads the hub's domain configuration from one YAML or JSON document (JSON is read as the YAML it is), validated.
/// Every problem is collected and thrown together as a <see cref="HubConfigurationException"/>. Reference: docs/configuration.md.
/// </summary>
public static class HubConfigurationLoader
{
    /// <summary>The app setting naming the document: a path (relative to the folder of host.json) or blob:&lt;container&gt;/&lt;name&gt;.</summary>
    public const string SettingKey = "Hub:Config";

    /// <summary>Used when Hub__Config is unset.</summary>
    public const string DefaultPath = "config/hub.yaml";

    private const string BlobPrefix = "blob:";

    /// <summary>Parses and validates <paramref name="text"/>; <paramref name="fileName"/> names it in error messages.</summary>
    public static HubConfiguration Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        return HubDocumentReader.Read(text, fileName);
    }

    /// <summary>
    /// Parses and validates <paramref name="text"/> with the values <paramref name="settings"/> override
    /// (Hub__Connectors__&lt;name&gt;__Url, Hub__Releases__Fetch__AllowedHosts, Hub__Incidents__Escalation__&lt;level&gt;__AckWithin, ...;
    /// docs/configuration.md): they pass the same rules, and an error names the setting.
    /// </summary>
    public static HubConfiguration Parse(string text, string fileName, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(settings);
        return HubDocumentReader.Read(text, fileName, settings);
    }

    /// <summary>Reads the file at <paramref name="path"/> and parses it; errors name the path as given.</summary>
    public static HubConfiguration Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(path, Path.GetFullPath(path));
        }

        return Parse(text, path);
    }

    /// <summary>
    /// Loads the document the Hub__Config setting names: a file path, relative paths resolved against
    /// <paramref name="baseDirectory"/> (the folder of host.json), or <c>blob:&lt;container&gt;/&lt;name&gt;</c> read through
    /// <paramref name="readBlob"/> (given "&lt;container&gt;/&lt;name&gt;", returning null when the blob does not exist).
    /// Unset: config/hub.yaml under <paramref name="baseDirectory"/>. Values the app settings override are applied as in
    /// <see cref="Parse(string, string, IConfiguration)"/>.
    /// </summary>
    public static async Task<HubConfiguration> LoadFromSettingAsync(
        IConfiguration settings,
        string baseDirectory,
        Func<string, CancellationToken, Task<string?>> readBlob,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(readBlob);
        string setting = settings[SettingKey] is { Length: > 0 } value ? value.Trim() : DefaultPath;

        if (setting.StartsWith(BlobPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string blob = setting[BlobPrefix.Length..];
            int slash = blob.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == blob.Length - 1 || !ConfigurationPatterns.RouteSegment().IsMatch(blob[..slash]) || blob[..slash].Length < 3)
            {
                throw new HubConfigurationException(
                    $"Hub__Config '{setting}' must be blob:<container>/<name> with a container name of 3-32 lower-case letters, digits or '-'.");
            }

            string text = await readBlob(blob, ct).ConfigureAwait(false) ?? throw NotFound(setting, setting);
            return Parse(text, setting, settings);
        }

        string path = Path.GetFullPath(setting, baseDirectory);
        string content;
        try
        {
            content = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(setting, path);
        }

        return Parse(content, setting, settings);
    }

    private static HubConfigurationException NotFound(string file, string where) =>
        new([new ConfigurationError(file, 0, 0, "", $"not found (looked for {where}; set Hub__Config to a path relative to host.json or to blob:<container>/<name>)")]);
}
