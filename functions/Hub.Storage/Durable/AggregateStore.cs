using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Hub.Storage.Blobs;
using Hub.Storage.Tables;

namespace Hub.Storage.Durable;

/// <summary>
/// Aggregate partitions in the <c>hub</c> table: a <c>state</c> row guarded by its ETag, append-only
/// <c>event-&lt;seq&gt;</c> rows, <c>outbox-&lt;id&gt;</c> rows and <c>inbox-&lt;messageId&gt;</c> rows. A command's
/// changes are one entity group transaction, so nothing half-done is ever visible.
/// </summary>
public sealed class AggregateStore(TableClient table, BlobContainerClient spill)
{
    public const string TableName = "hub";
    public const string SpillContainerName = "hub-spill";
    public const string StateRow = "state";
    public const string EventPrefix = "event-";
    public const string OutboxPrefix = "outbox-";
    public const string InboxPrefix = "inbox-";

    /// <summary>The partition that files every given-up outbox row (<see cref="FailOutboxAsync"/>); aggregate partitions are <c>kind:id</c>.</summary>
    public const string FailedPartition = "failed-effects";

    /// <summary>How many filed failures <see cref="FailedOutboxAsync"/> reads at most to find the newest (failures are few).</summary>
    public const int MaxFailedRead = 1000;

    // Marks the failures given up before they were filed as filed too; no escaped key has it ('~' + two upper-case hex digits).
    private const string BackfilledRow = "~done";

    // A string property holds at most 64 KiB (32 K UTF-16 chars); anything longer goes to a blob.
    internal const int MaxInlineChars = 30_000;

    // One state row + inbox row leave 98 of the batch's 100 operations for events and outbox rows.
    public const int MaxRowsPerCommit = 98;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TableClient Table => table;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await table.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await spill.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<AggregateSnapshot?> LoadAsync(string partition, CancellationToken cancellationToken = default)
    {
        TableEntity? row = await table.GetEntityOrDefaultAsync(partition, StateRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        string timersJson = row.GetString("Timers") ?? "{}";
        return new AggregateSnapshot(
            partition,
            row.ETag,
            row.GetInt64("Sequence") ?? 0,
            await ReadTextAsync(row, "State", cancellationToken).ConfigureAwait(false) ?? "null",
            row.GetString("StateName"),
            JsonSerializer.Deserialize<Dictionary<string, TimerSlot>>(timersJson, Json) ?? []);
    }

    /// <summary>The state JSON of a state row read by a query, following a spill reference.</summary>
    public async Task<string> StateJsonAsync(TableEntity stateRow, CancellationToken cancellationToken = default) =>
        await ReadTextAsync(stateRow, "State", cancellationToken).ConfigureAwait(false) ?? "null";

    public async Task<CommitOutcome> CommitAsync(AggregateCommit commit, CancellationToken cancellationToken = default)
    {
        int rows = commit.Events.Count + commit.Outbox.Count;
        if (rows > MaxRowsPerCommit)
        {
            throw new ArgumentException(
                $"A command may append at most {MaxRowsPerCommit} events and outbox rows together; this one has {rows}.", nameof(commit));
        }

        string p = commit.Partition;
        var state = new TableEntity(p, StateRow)
        {
            ["Sequence"] = commit.Sequence,
            ["StateName"] = commit.StateName,
            ["Timers"] = JsonSerializer.Serialize(commit.Timers, Json),
            ["UpdatedAt"] = commit.At,
            ["PendingOutbox"] = commit.Outbox.Count > 0,
        };
        foreach ((string column, string? value) in commit.Columns ?? new Dictionary<string, string?>())
        {
            state[column] = value;
        }

        await PutTextAsync(state, "State", commit.StateJson, cancellationToken).ConfigureAwait(false);

        var actions = new List<TableTransactionAction>(rows + 2)
        {
            commit.ExpectedETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, state),
        };

        foreach (EventRecord e in commit.Events)
        {
            var row = new TableEntity(p, EventRowKey(e.Sequence))
            {
                ["Sequence"] = e.Sequence,
                ["Type"] = e.Type,
                ["Actor"] = e.Actor,
                ["At"] = e.At,
                ["FromState"] = e.FromState,
                ["ToState"] = e.ToState,
            };
            await PutTextAsync(row, "Data", e.Data, cancellationToken).ConfigureAwait(false);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
        }

        foreach (OutboxRecord o in commit.Outbox)
        {
            var row = new TableEntity(p, OutboxPrefix + o.Id) { ["Kind"] = o.Kind, ["CreatedAt"] = o.CreatedAt };
            await PutTextAsync(row, "Payload", o.Payload, cancellationToken).ConfigureAwait(false);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
        }

        int inboxIndex = -1;
        if (commit.InboxId is not null)
        {
            inboxIndex = actions.Count;
            actions.Add(new TableTransactionAction(
                TableTransactionActionType.Add, new TableEntity(p, InboxRowKey(commit.InboxId))
                {
                    ["At"] = commit.At,
                    ["Sequence"] = commit.Sequence,
                    ["Attempt"] = commit.Attempt,
                }));
        }

        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return CommitOutcome.Committed;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            // Only a collision on the inbox row proves the message was applied before; a collision anywhere else
            // (the state row of a new aggregate, an event sequence) is a concurrent writer that won the race.
            return ex.Status == 409 && inboxIndex >= 0 && ex.FailedTransactionActionIndex == inboxIndex ? CommitOutcome.Duplicate : CommitOutcome.Conflict;
        }
    }

    /// <summary>The commit that applied the message; null if it was never applied.</summary>
    public async Task<InboxEntry?> InboxAsync(string partition, string messageId, CancellationToken cancellationToken = default) =>
        await table.GetEntityOrDefaultAsync(partition, InboxRowKey(messageId), ["At", "Sequence", "Attempt"], cancellationToken).ConfigureAwait(false) is { } row
            ? new InboxEntry(row.GetInt64("Sequence") ?? 0, row.GetString("Attempt"))
            : null;

    /// <summary>History in order, oldest first, a page at a time.</summary>
    public async Task<HistoryPage> HistoryAsync(string partition, string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        string filter = TableFilter.And(
            TableFilter.Equal("PartitionKey", partition),
            $"RowKey ge '{EventPrefix}' and RowKey lt 'event.'");
        Page<TableEntity> page = await table.QueryPageAsync(filter, pageSize, continuationToken, cancellationToken: cancellationToken).ConfigureAwait(false);
        var events = new List<EventRecord>(page.Values.Count);
        foreach (TableEntity row in page.Values)
        {
            events.Add(new EventRecord(
                row.GetInt64("Sequence") ?? 0,
                row.GetString("Type") ?? "",
                row.GetString("Actor") ?? "",
                row.GetDateTimeOffset("At") ?? default,
                row.GetString("FromState"),
                row.GetString("ToState"),
                await ReadTextAsync(row, "Data", cancellationToken).ConfigureAwait(false) ?? ""));
        }

        return new HistoryPage(events, page.ContinuationToken);
    }

    /// <summary>The partition's outbox rows in commit order, or those of the commits up to and including <paramref name="through"/>.</summary>
    public async Task<IReadOnlyList<OutboxRecord>> OutboxAsync(string partition, long? through = null, CancellationToken cancellationToken = default)
    {
        string to = through is { } t ? OutboxPrefix + t.ToString("D19", CultureInfo.InvariantCulture) + "." : "outbox.";
        string filter = TableFilter.And(TableFilter.Equal("PartitionKey", partition), $"RowKey ge '{OutboxPrefix}' and RowKey lt '{to}'");
        var result = new List<OutboxRecord>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result.Add(await ToOutboxAsync(row, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>One outbox row; null once it is completed.</summary>
    public async Task<OutboxRecord?> OutboxRowAsync(string partition, string outboxId, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>(partition, OutboxPrefix + outboxId, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? await ToOutboxAsync(row.Value!, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>Outbox rows in any partition created before <paramref name="before"/> and not given up: left behind by a crash.</summary>
    public async IAsyncEnumerable<(string Partition, OutboxRecord Row)> StaleOutboxAsync(
        DateTimeOffset before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string filter = $"RowKey ge '{OutboxPrefix}' and RowKey lt 'outbox.' and CreatedAt lt datetime'{before.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)}'";
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            OutboxRecord record = await ToOutboxAsync(row, cancellationToken).ConfigureAwait(false);
            if (record.FailedAt is null)
            {
                yield return (row.PartitionKey, record);
            }
        }
    }

    public Task<bool> CompleteOutboxAsync(string partition, string outboxId, CancellationToken cancellationToken = default) =>
        table.DeleteEntityIfExistsAsync(partition, OutboxPrefix + outboxId, cancellationToken: cancellationToken);

    /// <summary>
    /// Marks a row given up: it stays, listed with its error, and the relay leaves it alone. The failure is also filed
    /// in partition <see cref="FailedPartition"/>, which <see cref="FailedOutboxAsync"/> reads instead of every partition.
    /// </summary>
    public async Task FailOutboxAsync(string partition, OutboxRecord outbox, string error, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        string text = error.Length > 8_000 ? error[..8_000] : error;
        // Filed first: a crash between the two writes leaves a filed row the retried give-up marks, never a marked one unfiled.
        TableEntity filed = FiledFailure(partition, outbox.Id, outbox.Kind, outbox.CreatedAt, at, text);
        await table.UpsertEntityAsync(filed, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(partition, OutboxPrefix + outbox.Id) { ["FailedAt"] = at, ["Error"] = text };
        try
        {
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Completed after all (a late success of an earlier attempt): nothing to mark, nothing to list.
            await table.DeleteEntityIfExistsAsync(FailedPartition, filed.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The outbox rows given up, newest first, at most <paramref name="max"/> of the first <see cref="MaxFailedRead"/>
    /// filed (in key order): their error, not their payload. Rows given up before failures were filed are filed by the
    /// first call.
    /// </summary>
    public async Task<IReadOnlyList<FailedEffect>> FailedOutboxAsync(int max, CancellationToken cancellationToken = default)
    {
        Task<NullableResponse<TableEntity>> backfilled = table.GetEntityIfExistsAsync<TableEntity>(FailedPartition, BackfilledRow, ["RowKey"], cancellationToken);
        var failed = new List<FailedEffect>();
        await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(TableFilter.Equal("PartitionKey", FailedPartition), 1000, cancellationToken: cancellationToken)
            .AsPages().ConfigureAwait(false))
        {
            failed.AddRange(page.Values.Where(row => row.RowKey != BackfilledRow).Select(row => new FailedEffect(
                row.GetString("Partition") ?? "",
                row.GetString("OutboxId") ?? "",
                row.GetString("Kind") ?? "",
                row.GetDateTimeOffset("CreatedAt") ?? default,
                row.GetDateTimeOffset("FailedAt") ?? default,
                row.GetString("Error") ?? "")));
            if (failed.Count >= MaxFailedRead)
            {
                break;
            }
        }

        if (!(await backfilled.ConfigureAwait(false)).HasValue)
        {
            await BackfillFailedAsync(cancellationToken).ConfigureAwait(false);
            return await FailedOutboxAsync(max, cancellationToken).ConfigureAwait(false);
        }

        return [.. failed.OrderByDescending(f => f.FailedAt).ThenBy(f => f.Partition, StringComparer.Ordinal).ThenBy(f => f.Id, StringComparer.Ordinal).Take(max)];
    }

    public static string EventRowKey(long sequence) => EventPrefix + sequence.ToString("D19", CultureInfo.InvariantCulture);

    public static string InboxRowKey(string messageId) => InboxPrefix + TableKey.Escape(messageId);

    // The row of FailedPartition for outbox row outboxId of partition, as FailedOutboxAsync reads it.
    private static TableEntity FiledFailure(string partition, string outboxId, string? kind, DateTimeOffset? createdAt, DateTimeOffset? failedAt, string? error) =>
        new(FailedPartition, TableKey.Escape($"{partition}/{outboxId}"))
        {
            ["Partition"] = partition,
            ["OutboxId"] = outboxId,
            ["Kind"] = kind,
            ["CreatedAt"] = createdAt,
            ["FailedAt"] = failedAt,
            ["Error"] = error,
        };

    // Files the rows given up before FailOutboxAsync filed them (one scan of every partition, once), then marks it done.
    private async Task BackfillFailedAsync(CancellationToken cancellationToken)
    {
        string filter = $"RowKey ge '{OutboxPrefix}' and RowKey lt 'outbox.' and FailedAt ge datetime'2000-01-01T00:00:00Z'";
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey", "RowKey", "Kind", "CreatedAt", "FailedAt", "Error"], cancellationToken)
            .ConfigureAwait(false))
        {
            string id = row.RowKey[OutboxPrefix.Length..];
            TableEntity filed = FiledFailure(
                row.PartitionKey, id, row.GetString("Kind"), row.GetDateTimeOffset("CreatedAt"), row.GetDateTimeOffset("FailedAt"), row.GetString("Error"));
            await table.UpsertEntityAsync(filed, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        await table.UpsertEntityAsync(new TableEntity(FailedPartition, BackfilledRow), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OutboxRecord> ToOutboxAsync(TableEntity row, CancellationToken cancellationToken) => new(
        row.RowKey[OutboxPrefix.Length..],
        row.GetString("Kind") ?? "",
        await ReadTextAsync(row, "Payload", cancellationToken).ConfigureAwait(false) ?? "",
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetDateTimeOffset("FailedAt"),
        row.GetString("Error"));

    private async Task PutTextAsync(TableEntity row, string name, string value, CancellationToken cancellationToken)
    {
        if (value.Length <= MaxInlineChars)
        {
            row[name] = value;
            return;
        }

        // Written before the transaction: an aborted commit leaves an orphan blob, never a row pointing at nothing.
        string blobName = $"{row.PartitionKey}/{row.RowKey}/{name}-{Guid.NewGuid():N}";
        await spill.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(value), "application/json", cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        row[name + "Blob"] = blobName;
    }

    private async Task<string?> ReadTextAsync(TableEntity row, string name, CancellationToken cancellationToken)
    {
        if (row.GetString(name + "Blob") is { } blobName)
        {
            BinaryData data = await spill.GetBlobClient(blobName).DownloadContentOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new RequestFailedException(404, $"Spilled value {blobName} of {row.PartitionKey}/{row.RowKey} is missing.");
            return data.ToString();
        }

        return row.GetString(name);
    }
}
