namespace Hub.Storage.Tables;

/// <summary>
/// Key rules and entity addresses. Callers escape their own keys; this only refuses what the service refuses, with
/// a clearer message than its 400.
/// https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#characters-disallowed-in-key-fields
/// </summary>
internal static class TableKeys
{
    public static void Validate(string key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        foreach (char c in key)
        {
            if (c is '/' or '\\' or '#' or '?')
            {
                throw new ArgumentException(
                    $"Table keys may not contain '/', '\\', '#' or '?'; '{key}' contains '{c}'. Escape the key before storing it.", paramName);
            }

            if (char.IsControl(c))
            {
                throw new ArgumentException(
                    $"Table keys may not contain control characters (U+0000-U+001F, U+007F-U+009F); '{key}' contains U+{(int)c:X4}.", paramName);
            }
        }
    }

    /// <summary>The resource path of one entity: <c>table(PartitionKey='pk',RowKey='rk')</c>, quotes doubled, then URL-escaped.</summary>
    public static string EntityPath(string table, string partitionKey, string rowKey) =>
        $"{table}(PartitionKey='{Escape(partitionKey)}',RowKey='{Escape(rowKey)}')";

    private static string Escape(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));
}
