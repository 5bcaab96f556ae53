namespace Hub.Functions.Intake.Mail;

/// <summary>A raw RFC 5322 header block as (name, value) pairs, unfolded, values not yet decoded.</summary>
internal static class HeaderBlock
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? block)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(block))
        {
            return headers;
        }

        string? name = null;
        var value = new System.Text.StringBuilder();
        foreach (string rawLine in block.Split('\n'))
        {
            string line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                // The blank line ends the header section; anything after it is body.
                break;
            }

            if (line[0] is ' ' or '\t')
            {
                // Unfolding (RFC 5322 section 2.2.3) removes the line break and keeps the whitespace.
                if (name is not null)
                {
                    value.Append(line);
                }

                continue;
            }

            Add();
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            // A line without a colon (an mbox "From " line, garbage) is not a header.
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                name = null;
                continue;
            }

            name = line[..colon];
            value.Clear().Append(line, colon + 1, line.Length - colon - 1);
        }

        Add();
        return headers;

        void Add()
        {
            if (name is not null)
            {
                headers.Add(new(name, value.ToString().Trim()));
                name = null;
            }
        }
    }

    /// <summary>The first raw value of <paramref name="name"/>, or null.</summary>
    public static string? First(IReadOnlyList<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Decoded values with case-insensitive keys; repeated headers joined by "\n" in order.</summary>
    public static Dictionary<string, string> ToDictionary(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var dictionary = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, string raw) in headers)
        {
            string decoded = EncodedWords.Decode(raw);
            dictionary[name] = dictionary.TryGetValue(name, out string? earlier) ? $"{earlier}\n{decoded}" : decoded;
        }

        return dictionary;
    }
}
