using System.Globalization;

namespace Hub.Functions.Triggers.Timer;

/// <summary>
/// One NCRONTAB field: the set of allowed values, parsed from <c>*</c>, numbers, names, ranges <c>a-b</c>, steps
/// <c>*/n</c>, <c>a-b/n</c>, <c>a/n</c> and comma lists.
/// </summary>
internal sealed class CronField
{
    private readonly bool[] _allowed;

    private CronField(string name, int min, int max, bool[] allowed)
    {
        Name = name;
        Min = min;
        Max = max;
        _allowed = allowed;
    }

    public string Name { get; }

    public int Min { get; }

    public int Max { get; }

    public bool IsWildcard => Enumerable.Range(Min, Max - Min + 1).All(Contains);

    public bool Contains(int value) => value >= Min && value <= Max && _allowed[value - Min];

    /// <summary>The allowed values from <paramref name="from"/> upwards, in order.</summary>
    public IEnumerable<int> From(int from)
    {
        for (int v = Math.Max(from, Min); v <= Max; v++)
        {
            if (_allowed[v - Min])
            {
                yield return v;
            }
        }
    }

    public static CronField Parse(string text, string name, int min, int max, IReadOnlyList<string>? names = null)
    {
        var allowed = new bool[max - min + 1];
        foreach (string item in text.Split(','))
        {
            if (item.Length == 0)
            {
                throw Error(name, text, "has an empty list item");
            }

            string range = item;
            int step = 1;
            int slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                range = item[..slash];
                if (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    throw Error(name, text, $"has an invalid step '{item[(slash + 1)..]}' (a positive integer is expected)");
                }
            }

            int low, high;
            if (range == "*")
            {
                (low, high) = (min, max);
            }
            else
            {
                int dash = range.IndexOf('-', StringComparison.Ordinal);
                low = Value(dash < 0 ? range : range[..dash]);
                // "a/n" means from a to the end of the field, stepping by n.
                high = dash >= 0 ? Value(range[(dash + 1)..]) : slash >= 0 ? max : low;
                if (low > high)
                {
                    throw Error(name, text, $"has a descending range '{range}'");
                }
            }

            for (int v = low; v <= high; v += step)
            {
                allowed[v - min] = true;
            }
        }

        return new CronField(name, min, max, allowed);

        int Value(string token)
        {
            if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                return number >= min && number <= max
                    ? number
                    : throw Error(name, text, $"value {number} is out of range {min}-{max}");
            }

            if (names is not null && token.Length == 3)
            {
                for (int i = 0; i < names.Count; i++)
                {
                    if (names[i].Equals(token, StringComparison.OrdinalIgnoreCase))
                    {
                        return min + i;
                    }
                }
            }

            throw Error(name, text, $"'{token}' is not a number{(names is null ? "" : " or a name (" + string.Join(", ", names) + ")")}");
        }
    }

    private static FormatException Error(string name, string text, string problem) =>
        new($"{name} field '{text}' {problem}.");
}
