using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Hub.Standalone.Settings;

/// <summary>The parts of host.json the standalone host honours, with the Functions host's defaults.</summary>
public sealed record HostJson(string RoutePrefix, QueueSettings Queues, DurableSettings Durable)
{
    public static HostJson Default { get; } = new("api", QueueSettings.Default, DurableSettings.Default);

    /// <summary>The Functions host's prefix of app settings that override host.json values (<c>AzureFunctionsJobHost__extensions__queues__batchSize</c>).</summary>
    public const string OverridePrefix = "AzureFunctionsJobHost";

    /// <param name="configuration">App settings; those under <see cref="OverridePrefix"/> override host.json, as in the Functions host.</param>
    public static HostJson Load(string path, IConfiguration? configuration = null)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        JsonObject root = File.Exists(path)
            ? JsonNode.Parse(File.ReadAllText(path), documentOptions: options) as JsonObject ?? []
            : [];
        foreach ((string key, string? value) in configuration?.GetSection(OverridePrefix).AsEnumerable(makePathsRelative: true) ?? [])
        {
            if (value is not null)
            {
                Set(root, key.Split(':'), value);
            }
        }

        using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
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

    private static void Set(JsonObject node, string[] path, string value)
    {
        for (int i = 0; i < path.Length; i++)
        {
            // host.json names are matched without regard to case, as the Functions host's configuration does.
            string name = node.Select(p => p.Key).FirstOrDefault(k => k.Equals(path[i], StringComparison.OrdinalIgnoreCase)) ?? path[i];
            if (i == path.Length - 1)
            {
                node[name] = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number) ? JsonValue.Create(number) : JsonValue.Create(value);
                return;
            }

            if (node[name] is not JsonObject child)
            {
                child = [];
                node[name] = child;
            }

            node = child;
        }
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
