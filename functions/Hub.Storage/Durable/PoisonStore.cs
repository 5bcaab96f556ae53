using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Hub.Storage.Tables;

namespace Hub.Storage.Durable;

/// <summary>
/// Messages that failed <c>maxDequeueCount</c> times, with their last error, listed for operators and replayable.
/// Failures are recorded per attempt (partition <c>work-failures</c>); when the queue host moves a message to
/// <c>hub-work-poison</c>, the poison function files it here (partition <c>poison</c>) with the last error.
/// </summary>
public sealed class PoisonStore(TableClient table, WorkQueue work, TimeProvider clock)
{
    public const string PoisonPartition = "poison";
    public const string FailurePartition = "work-failures";
    private const int MaxErrorChars = 8_000;

    /// <summary>The work message's id, or a hash of the text when it is not a work message at all.</summary>
    public static string KeyOf(string text)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out JsonElement id)
                && id.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(id.GetString()))
            {
                return TableKey.Escape(id.GetString()!);
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the hash.
        }

        return "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public async Task RecordFailureAsync(string text, Exception error, long dequeueCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        string message = $"{error.GetType().Name}: {error.Message}";
        var row = new TableEntity(FailurePartition, KeyOf(text))
        {
            ["LastError"] = message.Length > MaxErrorChars ? message[..MaxErrorChars] : message,
            ["DequeueCount"] = dequeueCount,
            ["FailedAt"] = clock.GetUtcNow(),
        };
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public Task ClearFailureAsync(string text, CancellationToken cancellationToken = default) =>
        table.DeleteEntityIfExistsAsync(FailurePartition, KeyOf(text), cancellationToken: cancellationToken);

    /// <summary>Files a message the queue host moved to the poison queue.</summary>
    public async Task<PoisonMessage> AcceptAsync(string text, CancellationToken cancellationToken = default)
    {
        string key = KeyOf(text);
        TableEntity? failure = await table.GetEntityOrDefaultAsync(FailurePartition, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(PoisonPartition, key)
        {
            // Binary: a queue message may be 48 KiB of UTF-8, more than a string property's 32 K characters.
            ["Text"] = Encoding.UTF8.GetBytes(text),
            ["LastError"] = failure?.GetString("LastError") ?? "(no error was recorded: the message failed outside the hub, or before it could record)",
            ["DequeueCount"] = failure?.GetInt64("DequeueCount") ?? 0,
            ["PoisonedAt"] = clock.GetUtcNow(),
        };
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        await table.DeleteEntityIfExistsAsync(FailurePartition, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToMessage(row);
    }

    public async Task<(IReadOnlyList<PoisonMessage> Items, string? ContinuationToken)> ListAsync(
        string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        Page<TableEntity> page = await table.QueryPageAsync(TableFilter.Equal("PartitionKey", PoisonPartition), pageSize, continuationToken, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return (page.Values.Select(ToMessage).ToList(), page.ContinuationToken);
    }

    /// <summary>Puts the message back on <c>hub-work</c>; the aggregate inbox keeps a replay from applying twice.</summary>
    /// <returns>False when there is no such poison message.</returns>
    public async Task<bool> ReplayAsync(string id, CancellationToken cancellationToken = default)
    {
        TableEntity? row = await table.GetEntityOrDefaultAsync(PoisonPartition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        await work.Queue.SendMessageAsync(Encoding.UTF8.GetString(row.GetBinary("Text") ?? []), cancellationToken: cancellationToken).ConfigureAwait(false);
        await table.DeleteEntityIfExistsAsync(PoisonPartition, id, row.ETag, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static PoisonMessage ToMessage(TableEntity row) => new(
        row.RowKey,
        Encoding.UTF8.GetString(row.GetBinary("Text") ?? []),
        row.GetString("LastError") ?? "",
        row.GetInt64("DequeueCount") ?? 0,
        row.GetDateTimeOffset("PoisonedAt") ?? default);
}

/// <summary>A poisoned work message as operators see it.</summary>
public sealed record PoisonMessage(string Id, string Text, string LastError, long DequeueCount, DateTimeOffset PoisonedAt);
