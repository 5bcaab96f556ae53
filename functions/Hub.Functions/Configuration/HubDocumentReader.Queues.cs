using System.Text.RegularExpressions;
using Hub.Domain.Configuration;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    private static readonly Dictionary<string, CustomFieldType> FieldTypes = new()
    {
        ["text"] = CustomFieldType.Text,
        ["whole-number"] = CustomFieldType.WholeNumber,
        ["number"] = CustomFieldType.Number,
        ["boolean"] = CustomFieldType.Boolean,
        ["date"] = CustomFieldType.Date,
        ["datetime"] = CustomFieldType.DateTime,
        ["url"] = CustomFieldType.Url,
        ["select"] = CustomFieldType.Select,
    };

    private List<QueueDefinition> ReadQueues(MappingReader document)
    {
        var queues = new List<QueueDefinition>();
        var names = new List<Named>();
        foreach (var (node, path) in document.List("queues", required: true))
        {
            if (MappingReader.Open(node, path, context,
                "name", "lifecycle", "defaultPriority", "autoResolveOnAlertResolved", "adminCc", "mirror", "customFields") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "queue");
            string? lifecycle = Reference(item, "lifecycle", LifecycleKind, required: true);
            int? priority = item.Integer("defaultPriority", 0, 100);
            bool? autoResolve = item.Boolean("autoResolveOnAlertResolved");
            IReadOnlyList<Named> adminCc = item.TextList("adminCc");
            foreach (Named contact in adminCc)
            {
                context.Refer(ContactKind, contact.Name, contact.Node, contact.Path);
            }

            context.CheckUnique("adminCc entry", adminCc);
            string? mirror = Reference(item, "mirror", ContactKind, required: false);
            List<CustomFieldDefinition> fields = ReadCustomFields(item);
            queues.Add(new QueueDefinition(name ?? "", lifecycle ?? "", fields, priority ?? 50, autoResolve ?? false, [.. adminCc.Select(c => c.Name)], mirror));
        }

        context.CheckUnique("queue name", names);
        return queues;
    }

    private List<CustomFieldDefinition> ReadCustomFields(MappingReader queue)
    {
        var fields = new List<CustomFieldDefinition>();
        var names = new List<Named>();
        foreach (var (node, path) in queue.List("customFields"))
        {
            if (MappingReader.Open(node, path, context, "name", "type", "required", "values", "pattern") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.FieldName(), "custom field");
            CustomFieldType? type = item.Choice("type", FieldTypes, required: true);
            bool? required = item.Boolean("required");
            IReadOnlyList<Named> values = item.TextList("values");
            string? pattern = item.Text("pattern");

            if (type == CustomFieldType.Select && values.Count == 0)
            {
                context.Error(item.Value("values", required: false)?.Start ?? item.Node.Start, item.PathOf("values"), "a select field needs at least one value");
            }
            else if (type is not null and not CustomFieldType.Select && item.Value("values", required: false) is { } valuesNode)
            {
                context.Error(valuesNode, item.PathOf("values"), "only a select field has values");
            }

            context.CheckUnique("value", values);
            if (pattern is not null && type is not null and not CustomFieldType.Text)
            {
                context.Error(item.Value("pattern", required: false)!, item.PathOf("pattern"), "only a text field has a pattern");
            }
            else if (pattern is not null)
            {
                CheckRegex(pattern, item, "pattern");
            }

            if (name is not null && type is not null)
            {
                fields.Add(new CustomFieldDefinition(name, type.Value, required ?? false, type == CustomFieldType.Select ? [.. values.Select(v => v.Name)] : null, pattern));
            }
        }

        context.CheckUnique("custom field", names);
        return fields;
    }

    /// <summary>The pattern must compile as .NET would run it at intake: case-insensitive, culture-invariant, with a match timeout.</summary>
    private void CheckRegex(string pattern, MappingReader item, string key)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, ConfigurationPatterns.RegexTimeout);
        }
        catch (ArgumentException e)
        {
            context.Error(item.Value(key, required: false)!, item.PathOf(key), $"not a valid regular expression: {e.Message}");
        }
    }
}
