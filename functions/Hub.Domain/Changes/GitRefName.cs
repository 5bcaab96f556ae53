namespace Hub.Domain.Changes;

/// <summary>The rules of <c>git check-ref-format</c> (with <c>--allow-onelevel</c> and <c>--branch</c>) for a tag or branch name.</summary>
public static class GitRefName
{
    /// <summary>Which rule <paramref name="name"/> breaks, as a phrase ("contains '..'"), or null when git accepts it.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "is empty";
        }

        if (name == "@")
        {
            return "is the single character '@'";
        }

        if (name.StartsWith('-'))
        {
            return "begins with '-'";
        }

        int control = name.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        control = control >= 0 ? control : name.IndexOf('\u007f', StringComparison.Ordinal);
        if (control >= 0)
        {
            return $"contains the control character U+{(int)name[control]:X4}";
        }

        if (name.IndexOfAny([' ', '~', '^', ':', '?', '*', '[', '\\']) is var at and >= 0)
        {
            return name[at] == ' ' ? "contains a space" : $"contains '{name[at]}'";
        }

        foreach (string sequence in (string[])["..", "@{", "//"])
        {
            if (name.Contains(sequence, StringComparison.Ordinal))
            {
                return $"contains '{sequence}'";
            }
        }

        if (name.StartsWith('/') || name.EndsWith('/'))
        {
            return "begins or ends with '/'";
        }

        if (name.EndsWith('.'))
        {
            return "ends with '.'";
        }

        foreach (string component in name.Split('/'))
        {
            if (component.StartsWith('.'))
            {
                return "has a part beginning with '.'";
            }

            if (component.EndsWith(".lock", StringComparison.Ordinal))
            {
                return "has a part ending with '.lock'";
            }
        }

        return null;
    }
}
