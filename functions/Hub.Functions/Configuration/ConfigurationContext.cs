using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

/// <summary>The errors found so far in one document, and the names other sections refer to, checked at the end.</summary>
internal sealed class ConfigurationContext(string file)
{
    private readonly List<ConfigurationError> _errors = [];
    private readonly List<(string Kind, string Name, YamlNode Node, string Path)> _references = [];

    public string File { get; } = file;

    public IReadOnlyList<ConfigurationError> Errors => _errors;

    public void Error(YamlNode node, string path, string rule) => Error(node.Start, path, rule);

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
