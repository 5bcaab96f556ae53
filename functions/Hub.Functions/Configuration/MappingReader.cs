using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Configuration;

/// <summary>
/// Reads one YAML mapping with a fixed set of keys: refuses the others (typo protection), reports missing and
/// mistyped values at their line, and returns null for what it could not read so the caller carries on.
/// </summary>
internal sealed class MappingReader
{
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    private MappingReader(YamlMappingNode node, string path, ConfigurationContext context)
    {
        Node = node;
        Path = path;
        Context = context;
    }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public ConfigurationContext Context { get; }

    public static MappingReader? Open(YamlNode node, string path, ConfigurationContext context, params string[] keys)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, path, "must be a mapping (key: value lines or a JSON object)");
            return null;
        }

        var reader = new MappingReader(mapping, path, context);
        foreach (var (key, value) in mapping.Children)
        {
            string name = key is YamlScalarNode scalar ? scalar.Value ?? "" : "";
            if (!keys.Contains(name, StringComparer.Ordinal))
            {
                context.Error(key, reader.PathOf(name), $"unknown key (expected one of: {string.Join(", ", keys)})");
                continue;
            }

            reader._entries[name] = (key, value);
        }

        return reader;
    }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The value of <paramref name="key"/>, or null when it is absent or null (<c>key:</c>, <c>~</c>, <c>null</c>).</summary>
    public YamlNode? Value(string key, bool required)
    {
        if (_entries.TryGetValue(key, out var entry) && !IsNull(entry.Value))
        {
            return entry.Value;
        }

        if (required)
        {
            Context.Error(_entries.TryGetValue(key, out entry) ? entry.Key.Start : Node.Start, PathOf(key), "is required");
        }

        return null;
    }

    public string? Text(string key, bool required = false)
    {
        YamlNode? node = Value(key, required);
        return node is null ? null : Scalar(node, PathOf(key), Context, required);
    }

    public int? Integer(string key, int min, int max)
    {
        YamlNode? node = Value(key, required: false);
        string? text = node is null ? null : Scalar(node, PathOf(key), Context, required: false);
        if (node is null || text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            Context.Error(node, PathOf(key), $"'{text}' must be a whole number from {min} to {max}");
            return null;
        }

        return value;
    }

    public bool? Boolean(string key)
    {
        YamlNode? node = Value(key, required: false);
        string? text = node is null ? null : Scalar(node, PathOf(key), Context, required: false);
        if (node is null || text is null)
        {
            return null;
        }

        if (!bool.TryParse(text, out bool value))
        {
            Context.Error(node, PathOf(key), $"'{text}' must be true or false");
            return null;
        }

        return value;
    }

    /// <summary>One of the spellings in <paramref name="values"/>; case, dashes and underscores are ignored when matching.</summary>
    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> values, bool required)
        where T : struct
    {
        YamlNode? node = Value(key, required);
        string? text = node is null ? null : Scalar(node, PathOf(key), Context, required);
        if (node is null || text is null)
        {
            return null;
        }

        foreach (var (spelling, value) in values)
        {
            if (Normalize(spelling) == Normalize(text))
            {
                return value;
            }
        }

        Context.Error(node, PathOf(key), $"'{text}' is not one of: {string.Join(", ", values.Keys)}");
        return null;
    }

    /// <summary>The items of a list, each with its path (<c>key[i]</c>); empty when absent or not a list.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> List(string key, bool required = false)
    {
        YamlNode? node = Value(key, required);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Context.Error(node, PathOf(key), "must be a list");
            return [];
        }

        if (required && sequence.Children.Count == 0)
        {
            Context.Error(node, PathOf(key), "must not be empty");
        }

        return [.. sequence.Children.Select((item, i) => (item, $"{PathOf(key)}[{i}]"))];
    }

    /// <summary>A list of single values; items that are not single values are reported and left out.</summary>
    public IReadOnlyList<Named> TextList(string key, bool required = false)
    {
        var texts = new List<Named>();
        foreach (var (node, path) in List(key, required))
        {
            if (Scalar(node, path, Context, required: true) is { } text)
            {
                texts.Add(new Named(text, node, path));
            }
        }

        return texts;
    }

    /// <summary>The text of a single value; reports lists, mappings and (when required) empty text.</summary>
    public static string? Scalar(YamlNode node, string path, ConfigurationContext context, bool required)
    {
        if (node is not YamlScalarNode scalar)
        {
            context.Error(node, path, "must be a single value, not a list or mapping");
            return null;
        }

        string text = IsNull(node) ? "" : (scalar.Value ?? "").Trim();
        if (text.Length == 0)
        {
            if (required)
            {
                context.Error(node, path, "is required");
            }

            return null;
        }

        return text;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Normalize(string text) => text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
