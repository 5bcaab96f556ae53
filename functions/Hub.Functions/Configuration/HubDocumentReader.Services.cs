using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Hub.Domain.Catalog;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    // The API's JSON names, so that a record reads the same in hub.yaml and in PUT /api/catalog/services/{service};
    // a key the record does not have is an error, not ignored (a typo would otherwise drop a field silently).
    private static readonly JsonSerializerOptions ServiceJson = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>
    /// <c>services:</c>, the catalog's service records (docs/catalog.md), each checked by <see cref="ServiceValidator"/>
    /// with every problem reported at its path (<c>services[1].tiers[0].name</c>).
    /// </summary>
    private ServiceCatalog ReadServices(MappingReader document)
    {
        var records = new List<ServiceRecord>();
        var names = new List<Named>();
        foreach (var (node, path) in document.List("services"))
        {
            ServiceRecord? record;
            try
            {
                record = ToJson(node).Deserialize<ServiceRecord>(ServiceJson);
            }
            catch (JsonException e)
            {
                context.Error(node, path + (e.Path is { Length: > 1 } at ? at[1..] : ""), $"is not a service record: {e.Message.Split(" Path:", 2)[0]}");
                continue;
            }

            if (record is null)
            {
                context.Error(node, path, "must be a service record");
                continue;
            }

            IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(record);
            foreach (CatalogProblem problem in problems)
            {
                context.Error(node, $"{path}.{problem.Path}", problem.Message);
            }

            if (problems.Count == 0)
            {
                records.Add(record);
                names.Add(new Named(record.Name, node, $"{path}.name"));
            }
        }

        context.CheckUnique("service name", names);
        return new ServiceCatalog(records);
    }

    /// <summary>A YAML node as JSON: every scalar a string (numbers are read from strings), <c>~</c>, <c>null</c> and nothing as null.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create((c.Key as YamlScalarNode)?.Value ?? c.Key.ToString(), ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };
}
