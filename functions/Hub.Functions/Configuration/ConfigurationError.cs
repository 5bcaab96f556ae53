namespace Hub.Functions.Configuration;

/// <summary>One problem in a configuration document: where it is (1-based line and column), the path of the offending
/// key (e.g. <c>queues[3].lifecycle</c>, empty for the document itself) and the rule it breaks.</summary>
public sealed record ConfigurationError(string File, int Line, int Column, string Path, string Rule)
{
    /// <summary>"file:line:column: path: rule"; without line when there is none (file not found).</summary>
    public override string ToString()
    {
        string where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Path.Length > 0 ? $"{where}: {Path}: {Rule}" : $"{where}: {Rule}";
    }
}
