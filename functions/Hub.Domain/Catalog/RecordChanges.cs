using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Hub.Domain.Catalog;

/// <summary>What a new version of a catalog record (a service, a site) changes: the history's "which fields".</summary>
public static class RecordChanges
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// The top-level fields (as the API spells them) whose values differ between two records; against no record, every
    /// field <paramref name="next"/> sets. Empty when the two are the same.
    /// </summary>
    public static IReadOnlyList<string> Of<T>(T? before, T next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(next);
        JsonObject after = Fields(next);
        JsonObject earlier = before is null ? [] : Fields(before);
        return [.. after.Select(f => f.Key).Union(earlier.Select(f => f.Key), StringComparer.Ordinal)
            .Where(field => !JsonNode.DeepEquals(after[field], earlier[field]))
            .Order(StringComparer.Ordinal)];
    }

    // Empty lists read as absent: a record that leaves a list out and one that sends [] are the same record.
    private static JsonObject Fields<T>(T record)
    {
        JsonObject fields = JsonSerializer.SerializeToNode(record, Json)!.AsObject();
        foreach (string empty in fields.Where(f => f.Value is JsonArray { Count: 0 }).Select(f => f.Key).ToList())
        {
            fields.Remove(empty);
        }

        return fields;
    }
}
