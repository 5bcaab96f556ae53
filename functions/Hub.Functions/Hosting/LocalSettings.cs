using System.Text.Json;

namespace Hub.Functions.Hosting;

/// <summary>
/// Reads local.settings.json as the Functions Core Tools do: its <c>Values</c> become settings (and
/// <c>ConnectionStrings</c> become ConnectionStrings:*). Keys are flattened from <c>A__B</c> to <c>A:B</c>.
/// https://learn.microsoft.com/azure/azure-functions/functions-develop-local#local-settings-file
/// </summary>
internal static class LocalSettings
{
    public const string FileName = "local.settings.json";

    public static IReadOnlyDictionary<string, string?> Load(string file)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(file))
        {
            return values;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new HubStartupException($"{file}: not valid JSON (line {ex.LineNumber + 1}).");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("IsEncrypted", out JsonElement encrypted) && encrypted.ValueKind == JsonValueKind.True)
            {
                throw new HubStartupException($"{file}: encrypted local settings are not supported; decrypt them (func settings decrypt) or use environment variables.");
            }

            Copy(root, "Values", "");
            Copy(root, "ConnectionStrings", "ConnectionStrings:");
        }

        return values;

        void Copy(JsonElement root, string section, string prefix)
        {
            if (!root.TryGetProperty(section, out JsonElement element) || element.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                values[prefix + Flatten(property.Name)] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }
        }
    }

    public static string Flatten(string key) => key.Replace("__", ":", StringComparison.Ordinal);
}
