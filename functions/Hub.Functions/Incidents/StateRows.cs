using System.Runtime.CompilerServices;
using System.Text.Json;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Incidents;

/// <summary>Reads every aggregate of one kind from its state rows (the incident list, the daily status run).</summary>
public static class StateRows
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async IAsyncEnumerable<T> AllAsync<T>(AggregateStore store, string kind, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string? token = null;
        do
        {
            TablePage page = await store.Table.QueryPageAsync(
                $"PartitionKey ge '{kind}:' and PartitionKey lt '{kind};' and RowKey eq '{AggregateStore.StateRow}'", null, 1000, token, ct);
            token = page.ContinuationToken;
            foreach (TableEntity row in page.Entities)
            {
                if (JsonSerializer.Deserialize<T>(await store.StateJsonAsync(row, ct), Json) is { } state)
                {
                    yield return state;
                }
            }
        }
        while (token is not null);
    }
}
