using System.Globalization;
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
    /// The state rows of one kind matching <paramref name="where"/> with only <paramref name="columns"/> (and the keys)
    /// read: what a list needs to count, choose or filter without the states themselves.
    /// </summary>
    public static async IAsyncEnumerable<TableEntity> ColumnsAsync(
        AggregateStore store, string kind, string? where, IReadOnlyList<string> columns, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string filter = Filter(kind, where);
        string? token = null;
        do
        {
            Page<TableEntity> page = await store.Table.QueryPageAsync(filter, 1000, token, [nameof(TableEntity.PartitionKey), .. columns], ct);
            token = page.ContinuationToken;
            foreach (TableEntity row in page.Values)
            {
                yield return row;
            }
        }
        while (token is not null);
    }

    /// <summary>
    /// One page of a list API over aggregates numbered 1, 2, 3 (tickets, incidents, releases), in number order: up to
    /// <paramref name="size"/> states after number <paramref name="after"/> that <paramref name="select"/> turns into
    /// an item (null skips the row). The continuation is the number of the page's last item (null on the last page).
    /// </summary>
    /// <remarks>
    /// The table orders keys as text (<c>ticket:10</c> before <c>ticket:2</c>), so the numbers are read first (keys
    /// only, with <paramref name="where"/> applied by storage), ordered, and the page filled by <see cref="FillPageAsync"/>.
    /// </remarks>
    public static async Task<(List<TItem> Items, string? Continuation)> PageAsync<TItem>(
        AggregateStore store, string kind, string? where, Func<string, TItem?> select, int size, long? after, CancellationToken ct)
        where TItem : class
    {
        var numbers = new List<long>();
        await foreach (TableEntity row in ColumnsAsync(store, kind, where, [], ct))
        {
            if (long.TryParse(row.PartitionKey.AsSpan(kind.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long number) && number > (after ?? 0))
            {
                numbers.Add(number);
            }
        }

        numbers.Sort();
        return await FillPageAsync(store, kind, numbers, select, size, ct);
    }

    /// <summary>
    /// A page of up to <paramref name="size"/> items from the states of <paramref name="numbers"/> (ascending), read by
    /// key a batch at a time until the page is full; <paramref name="select"/> turns a state into an item or skips it.
    /// The continuation is the number of the page's last item, null when no number is left.
    /// </summary>
    public static async Task<(List<TItem> Items, string? Continuation)> FillPageAsync<TItem>(
        AggregateStore store, string kind, IReadOnlyList<long> numbers, Func<string, TItem?> select, int size, CancellationToken ct)
        where TItem : class
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentNullException.ThrowIfNull(select);
        var items = new List<TItem>();
        int next = 0;
        while (items.Count < size && next < numbers.Count)
        {
            long[] batch = [.. numbers.Skip(next).Take(Math.Max(size - items.Count, MinBatch))];
            AggregateSnapshot?[] states = await Task.WhenAll(batch.Select(n => store.LoadAsync($"{kind}:{n.ToString(CultureInfo.InvariantCulture)}", ct)));
            for (int i = 0; i < batch.Length && items.Count < size; i++, next++)
            {
                if (states[i] is { } state && select(state.StateJson) is { } item)
                {
                    items.Add(item);
                }
            }
        }

        return (items, next < numbers.Count ? numbers[next - 1].ToString(CultureInfo.InvariantCulture) : null);
    }

    // States read at once while a filtered page fills.
    private const int MinBatch = 32;

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
