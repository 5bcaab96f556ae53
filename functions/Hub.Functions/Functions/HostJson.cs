using System.Globalization;
using System.Text.Json;

namespace Hub.Functions.Functions;

/// <summary>The parts of host.json the hub itself honours (standalone mode); the Functions host reads the rest.</summary>
public sealed record HostJson(string FilePath, QueueTriggerSettings Queues)
{
    public static HostJson Load(string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FunctionDefinitionException(file, $"not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }

        using (document)
        {
            QueueTriggerSettings d = QueueTriggerSettings.Defaults;
            if (!document.RootElement.TryGetProperty("extensions", out JsonElement extensions)
                || !extensions.TryGetProperty("queues", out JsonElement queues))
            {
                return new HostJson(file, d);
            }

            int batchSize = Int(queues, "batchSize", d.BatchSize, 1, 32);
            var settings = new QueueTriggerSettings(
                Span(queues, "maxPollingInterval", d.MaxPollingInterval),
                Span(queues, "visibilityTimeout", d.VisibilityTimeout),
                batchSize,
                Int(queues, "maxDequeueCount", d.MaxDequeueCount, 1, int.MaxValue),
                Int(queues, "newBatchThreshold", batchSize / 2, 0, int.MaxValue));
            return new HostJson(file, settings);

            TimeSpan Span(JsonElement section, string name, TimeSpan fallback)
            {
                if (!section.TryGetProperty(name, out JsonElement value))
                {
                    return fallback;
                }

                return value.ValueKind == JsonValueKind.String
                       && TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out TimeSpan span) && span >= TimeSpan.Zero
                    ? span
                    : throw new FunctionDefinitionException(file, $"extensions.queues.{name} must be a time span \"hh:mm:ss\".");
            }

            int Int(JsonElement section, string name, int fallback, int min, int max)
            {
                if (!section.TryGetProperty(name, out JsonElement value))
                {
                    return fallback;
                }

                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= min && n <= max
                    ? n
                    : throw new FunctionDefinitionException(file, $"extensions.queues.{name} must be an integer between {min} and {max}.");
            }
        }
    }
}
