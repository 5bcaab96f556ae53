using System.Globalization;
using System.Text.Json;

namespace Hub.Standalone.Settings;

/// <summary>The parts of host.json the standalone host honours, with the Functions host's defaults.</summary>
public sealed record HostJson(string RoutePrefix, QueueSettings Queues, DurableSettings Durable)
{
    public static HostJson Default { get; } = new("api", QueueSettings.Default, DurableSettings.Default);

    public static HostJson Load(string path)
    {
        if (!File.Exists(path))
        {
            return Default;
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        JsonElement extensions = Child(document.RootElement, "extensions");
        JsonElement http = Child(extensions, "http");
        JsonElement queues = Child(extensions, "queues");
        JsonElement durable = Child(extensions, "durableTask");
        JsonElement provider = Child(durable, "storageProvider");
        QueueSettings q = QueueSettings.Default;
        DurableSettings d = DurableSettings.Default;
        return new HostJson(
            Text(http, "routePrefix") ?? Default.RoutePrefix,
            new QueueSettings(
                Number(queues, "batchSize") ?? q.BatchSize,
                Number(queues, "newBatchThreshold") ?? (Number(queues, "batchSize") ?? q.BatchSize) / 2,
                Span(queues, "maxPollingInterval") ?? q.MaxPollingInterval,
                Span(queues, "visibilityTimeout") ?? q.VisibilityTimeout,
                Number(queues, "maxDequeueCount") ?? q.MaxDequeueCount),
            new DurableSettings(
                Text(durable, "hubName") ?? d.HubName,
                Number(provider, "partitionCount") ?? d.PartitionCount,
                Span(provider, "controlQueueVisibilityTimeout") ?? d.ControlQueueVisibilityTimeout,
                Span(provider, "workItemQueueVisibilityTimeout") ?? d.WorkItemQueueVisibilityTimeout,
                Span(provider, "maxQueuePollingInterval") ?? d.MaxQueuePollingInterval));
    }

    private static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement child) ? child : default;

    private static string? Text(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static int? Number(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : null;

    private static TimeSpan? Span(JsonElement element, string name) =>
        Text(element, name) is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}
