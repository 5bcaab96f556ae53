using System.Text.Json;

namespace Hub.Standalone.Settings;

/// <summary>Reads the <c>Values</c> of local.settings.json, which Core Tools turn into app settings.</summary>
internal static class LocalSettings
{
    public static IReadOnlyDictionary<string, string?> Load(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        if (document.RootElement.TryGetProperty("Values", out JsonElement section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in section.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : property.Value.GetRawText();
            }
        }

        return values;
    }
}
