using System.Text.Json;

namespace Hub.Testing;

/// <summary>
/// One function in the terms both hosts must agree on: name, trigger type, route, methods (upper case, comma
/// separated), schedule and queue name as declared. Read from the functions.metadata the Worker.Sdk generates for
/// the Functions host, or built from what the standalone host mapped; the contract tests compare the two lists.
/// </summary>
public sealed record FunctionContract(string Name, string TriggerType, string? Route, string Methods, string? Schedule, string? QueueName)
{
    /// <summary>A function as the standalone host mapped it (the fields of its MappedFunction).</summary>
    public static FunctionContract Mapped(string name, string triggerType, string? route, IEnumerable<string> methods, string? schedule, string? queueName) =>
        new(name, triggerType, route, string.Join(",", methods), schedule, queueName);

    /// <summary>
    /// The functions.metadata that the build of the Worker.Sdk project in <paramref name="projectFolder"/> wrote, in
    /// the configuration the calling test project was built in (a project reference builds it first), by name.
    /// </summary>
    public static IReadOnlyList<FunctionContract> ReadBuiltMetadata(string projectFolder)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return ReadMetadata(Path.Combine(projectFolder, "bin", configuration, "net10.0", "functions.metadata"));
    }

    public static IReadOnlyList<FunctionContract> ReadMetadata(string path)
    {
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(path));
        return metadata.RootElement.EnumerateArray()
            .Select(f => FromBindings(f.GetProperty("name").GetString()!, f.GetProperty("bindings").EnumerateArray()))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>A function from its name and its bindings as functions.metadata (or the worker's indexing) spells them.</summary>
    public static FunctionContract FromBindings(string name, IEnumerable<JsonElement> bindings)
    {
        JsonElement trigger = bindings
            .Single(b => b.GetProperty("direction").GetString() == "In" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        string type = trigger.GetProperty("type").GetString()!;
        return new FunctionContract(
            name,
            type,
            // The Functions host routes an HTTP function without a route at its name.
            type == "httpTrigger" ? Text(trigger, "route") ?? name : null,
            trigger.TryGetProperty("methods", out JsonElement methods)
                ? string.Join(",", methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))
                : "",
            Text(trigger, "schedule"),
            Text(trigger, "queueName"));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
