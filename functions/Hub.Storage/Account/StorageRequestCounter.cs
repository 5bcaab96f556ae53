using System.Collections.Concurrent;
using Azure.Core;

namespace Hub.Storage.Account;

/// <summary>
/// Counts the HTTP requests a storage account sends, every try included, by service and operation (for example
/// <c>table GET entity</c>, <c>table POST $batch</c>, <c>queue DELETE message</c>). Off unless a counter is set on
/// <see cref="StorageClientOptions.RequestCounter"/>: the bench uses it to report storage requests per event, a figure
/// that stays the same however busy the machine is.
/// </summary>
public sealed class StorageRequestCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>The counts so far, by operation.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    public long Total => _counts.Values.Sum();

    internal void Count(StorageService service, Request request) =>
        _counts.AddOrUpdate(Operation(service, request), 1, (_, n) => n + 1);

    /// <summary>The counts in <paramref name="after"/> minus those in <paramref name="before"/>, without the zeros.</summary>
    public static IReadOnlyDictionary<string, long> Difference(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach ((string operation, long count) in after)
        {
            long delta = count - before.GetValueOrDefault(operation);
            if (delta != 0)
            {
                result[operation] = delta;
            }
        }

        return result;
    }

    internal static string Operation(StorageService service, Request request)
    {
        string path = request.Uri.Path;
        string query = request.Uri.Query;
        string method = request.Method.Method;
        string what = service switch
        {
            StorageService.Table => path.EndsWith("$batch", StringComparison.Ordinal) ? "$batch"
                : path.Contains("(PartitionKey=", StringComparison.Ordinal) ? "entity"
                : path.EndsWith("Tables", StringComparison.Ordinal) || path.Contains("Tables(", StringComparison.Ordinal) ? "table"
                : method == "POST" ? "insert"
                : "query",
            StorageService.Queue => path.Contains("/messages/", StringComparison.Ordinal) ? "message"
                : path.EndsWith("/messages", StringComparison.Ordinal) ? "messages"
                : query.Contains("comp=metadata", StringComparison.Ordinal) ? "metadata"
                : "queue",
            _ => query.Contains("restype=container", StringComparison.Ordinal) ? "container"
                : query.Contains("comp=lease", StringComparison.Ordinal) ? "lease"
                : "blob",
        };
        return $"{service.ToString().ToLowerInvariant()} {method} {what}";
    }
}
