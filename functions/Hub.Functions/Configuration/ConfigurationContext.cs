using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

/// <summary>The errors found so far in one document, and the names other sections refer to, checked at the end.</summary>
internal sealed class ConfigurationContext(string file)
{
    private readonly List<ConfigurationError> _errors = [];
    private readonly List<(string Kind, string Name, YamlNode Node, string Path)> _references = [];
    private readonly Dictionary<YamlNode, string> _overrides = new(ReferenceEqualityComparer.Instance);

    public string File { get; } = file;

    public IReadOnlyList<ConfigurationError> Errors => _errors;

    /// <summary>An error at <paramref name="node"/>; for a value an app setting put there, the error names the setting.</summary>
    public void Error(YamlNode node, string path, string rule)
    {
        if (_overrides.TryGetValue(node, out string? setting))
        {
            _errors.Add(new ConfigurationError(setting, 0, 0, path, rule));
        }
        else
        {
            Error(node.Start, path, rule);
        }
    }

    /// <summary>Remembers that <paramref name="node"/> is the value of app setting <paramref name="setting"/> (<see cref="SettingOverrides"/>).</summary>
    public void Overridden(YamlNode node, string setting) => _overrides[node] = setting;

    /// <summary>An app setting that overrides nothing it could: names the setting, with no line.</summary>
    public void SettingError(string setting, string rule) => _errors.Add(new ConfigurationError(setting, 0, 0, "", rule));

    public void Error(Mark mark, string path, string rule) =>
        _errors.Add(new ConfigurationError(File, checked((int)mark.Line), checked((int)mark.Column), path, rule));

    /// <summary>Remembers that <paramref name="name"/> must name a defined <paramref name="kind"/> (queue, lifecycle, contact list).</summary>
    public void Refer(string kind, string name, YamlNode node, string path) => _references.Add((kind, name, node, path));

    public void CheckReferences(string kind, IEnumerable<string> defined)
    {
        var names = new HashSet<string>(defined, StringComparer.OrdinalIgnoreCase);
        foreach (var reference in _references.Where(r => r.Kind == kind && !names.Contains(r.Name)))
        {
            Error(reference.Node, reference.Path, $"'{reference.Name}' is not a defined {kind}");
        }
    }

    /// <summary>Names are unique case-insensitively, as <see cref="Hub.Domain.Configuration.HubConfiguration"/> looks them up.</summary>
    public void CheckUnique(string kind, IEnumerable<Named> items)
    {
        var first = new Dictionary<string, Named>(StringComparer.OrdinalIgnoreCase);
        foreach (Named item in items)
        {
            if (!first.TryAdd(item.Name, item))
            {
                Error(item.Node, item.Path, $"duplicate {kind} '{item.Name}' (first defined at line {first[item.Name].Node.Start.Line})");
            }
        }
    }
}

/// <summary>A name as written, with where it was written.</summary>
internal readonly record struct Named(string Name, YamlNode Node, string Path);
