using System.Globalization;

namespace Hub.Storage.Tables;

/// <summary>
/// Builds OData <c>$filter</c> expressions with correctly quoted literals.
/// https://learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities#constructing-filter-strings
/// </summary>
public static class TableFilter
{
    public static string Equal(string property, string value) => Compare(property, "eq", value);

    public static string NotEqual(string property, string value) => Compare(property, "ne", value);

    public static string GreaterThan(string property, string value) => Compare(property, "gt", value);

    public static string GreaterThanOrEqual(string property, string value) => Compare(property, "ge", value);

    public static string LessThan(string property, string value) => Compare(property, "lt", value);

    public static string LessThanOrEqual(string property, string value) => Compare(property, "le", value);

    public static string Equal(string property, int value) => $"{property} eq {value.ToString(CultureInfo.InvariantCulture)}";

    public static string Equal(string property, long value) => $"{property} eq {value.ToString(CultureInfo.InvariantCulture)}L";

    public static string Equal(string property, bool value) => $"{property} eq {(value ? "true" : "false")}";

    public static string Equal(string property, Guid value) => $"{property} eq guid'{value:D}'";

    public static string Equal(string property, DateTimeOffset value) => Compare(property, "eq", value);

    public static string GreaterThanOrEqual(string property, DateTimeOffset value) => Compare(property, "ge", value);

    public static string LessThan(string property, DateTimeOffset value) => Compare(property, "lt", value);

    /// <summary>Exactly one partition.</summary>
    public static string Partition(string partitionKey) => Equal("PartitionKey", partitionKey);

    /// <summary>Rows of one partition whose RowKey is in [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>).</summary>
    public static string RowKeyRange(string partitionKey, string fromInclusive, string toExclusive) => And(
        Partition(partitionKey),
        GreaterThanOrEqual("RowKey", fromInclusive),
        LessThan("RowKey", toExclusive));

    /// <summary>Rows of one partition whose RowKey starts with <paramref name="prefix"/> (e.g. "event-").</summary>
    public static string RowKeyPrefix(string partitionKey, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        // Keys compare ordinally, so the first string after every "prefix..." is the prefix with its last char bumped.
        string upper = prefix[..^1] + (char)(prefix[^1] + 1);
        return RowKeyRange(partitionKey, prefix, upper);
    }

    public static string And(params string[] filters) => Join("and", filters);

    public static string Or(params string[] filters) => Join("or", filters);

    public static string Not(string filter) => $"not ({filter})";

    /// <summary>A string literal: single quotes doubled, as OData requires.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private static string Compare(string property, string op, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(property);
        return $"{property} {op} {Quote(value)}";
    }

    private static string Compare(string property, string op, DateTimeOffset value)
    {
        ArgumentException.ThrowIfNullOrEmpty(property);
        return $"{property} {op} datetime'{value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)}'";
    }

    private static string Join(string op, string[] filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Length == 0)
        {
            throw new ArgumentException("At least one filter is required.", nameof(filters));
        }

        return filters.Length == 1 ? filters[0] : string.Join($" {op} ", filters.Select(f => $"({f})"));
    }
}
