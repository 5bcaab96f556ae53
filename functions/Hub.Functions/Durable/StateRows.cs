using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Durable;

/// <summary>Reads aggregates of one kind from their state rows: the ticket, release and incident lists, the daily status run.</summary>
public static class StateRows
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IAsyncEnumerable<T> AllAsync<T>(AggregateStore store, string kind, CancellationToken ct = default) =>
        MatchingAsync<T>(store, kind, null, ct);

    /// <summary>
    /// The state rows of one kind that also match <paramref name="where"/>, an OData filter on the state row's columns
    /// (<c>StateName</c>, <c>UpdatedAt</c>), so storage does the filtering instead of the hub reading every row.
    /// </summary>
    public static async IAsyncEnumerable<T> MatchingAsync<T>(AggregateStore store, string kind, string? where, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string filter = Filter(kind, where);
        string? token = null;
        do
        {
            Page<TableEntity> page = await store.Table.QueryPageAsync(filter, 1000, token, cancellationToken: ct);
            token = page.ContinuationToken;
            foreach (TableEntity row in page.Values)
            {
                if (JsonSerializer.Deserialize<T>(await store.StateJsonAsync(row, ct), Json) is { } state)
                {
                    yield return state;
                }
            }
        }
        while (token is not null);
    }

    /// <summary>
    /// One page of a list API: up to <paramref name="size"/> states that <paramref name="select"/> turns into an item
    /// (null skips the row), filled from as many table pages as it takes; the continuation resumes where it stopped.
    /// </summary>
    public static async Task<(List<TItem> Items, string? Continuation)> PageAsync<TItem>(
        AggregateStore store, string kind, string? where, Func<string, TItem?> select, int size, string? continuation, CancellationToken ct)
        where TItem : class
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(select);
        string filter = Filter(kind, where);
        var items = new List<TItem>();
        string? token = continuation;
        do
        {
            Page<TableEntity> page = await store.Table.QueryPageAsync(filter, size - items.Count, token, cancellationToken: ct);
            token = page.ContinuationToken;
            foreach (TableEntity row in page.Values)
            {
                if (select(await store.StateJsonAsync(row, ct)) is { } item)
                {
                    items.Add(item);
                }
            }
        }
        while (items.Count < size && token is not null);

        return (items, token);
    }

    /// <summary>An OData filter: the state row was written at or after <paramref name="since"/>.</summary>
    public static string UpdatedSince(DateTimeOffset since) =>
        $"UpdatedAt ge datetime'{since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture)}'";

    /// <summary>An OData filter: the state row's state name is one of <paramref name="names"/>.</summary>
    public static string StateNameIn(params string[] names) =>
        string.Join(" or ", names.Select(n => $"StateName eq '{n.Replace("'", "''", StringComparison.Ordinal)}'"));

    private static string Filter(string kind, string? where) =>
        $"PartitionKey ge '{kind}:' and PartitionKey lt '{kind};' and RowKey eq '{AggregateStore.StateRow}'"
        + (string.IsNullOrEmpty(where) ? "" : $" and ({where})");
}
