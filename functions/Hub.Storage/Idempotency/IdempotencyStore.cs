using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Storage.Idempotency;

/// <summary>
/// One row per (scope, Idempotency-Key) in its own table: the SHA-256 of the request it was first used for, until when
/// it is kept, the lease of the attempt carrying it out, the number that attempt took and, once done, the answer. A
/// claim is an insert, so of two attempts at once exactly one carries the request out. A row past its expiry is
/// treated as absent and replaced; an attempt that stopped before completing (a crash, storage down) is taken over once
/// its lease ran out, keeping its number, so the aggregate's inbox turns the retry into a no-op.
/// </summary>
public sealed class IdempotencyStore(TableClient table, BlobContainerClient spill)
{
    // A string property holds at most 64 KiB (32 K UTF-16 chars); a longer answer goes to a blob.
    private const int MaxInlineChars = 30_000;

    public TableClient Table => table;

    public async Task<IdempotencyClaim> ClaimAsync(
        string scope, string key, string requestHash, DateTimeOffset now, TimeSpan retention, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        string partition = TableKey.Escape(scope);
        string row = TableKey.Escape(key);
        // Whole milliseconds, so the time read back by an attempt that takes over is exactly the one this one used.
        DateTimeOffset since = new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        while (true)
        {
            var fresh = new TableEntity(partition, row)
            {
                ["RequestHash"] = requestHash,
                ["CreatedAt"] = since,
                ["ExpiresAt"] = now + retention,
                ["LeaseUntil"] = now + lease,
            };
            if (await table.TryAddEntityAsync(fresh, cancellationToken).ConfigureAwait(false) is { } added)
            {
                return new IdempotencyClaim(IdempotencyClaimKind.Claimed, scope, key, added, Since: since);
            }

            if (await table.GetEntityOrDefaultAsync(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false) is not { } existing)
            {
                continue; // expired and deleted in between
            }

            if (existing.GetDateTimeOffset("ExpiresAt") <= now)
            {
                // Past the retention window: as if it were not there.
                if (await TryReplaceAsync(fresh, existing.ETag, cancellationToken).ConfigureAwait(false) is { } replaced)
                {
                    await DeleteAnswerBlobAsync(existing, cancellationToken).ConfigureAwait(false);
                    return new IdempotencyClaim(IdempotencyClaimKind.Claimed, scope, key, replaced, Since: since);
                }

                continue;
            }

            if (existing.GetString("RequestHash") != requestHash)
            {
                return new IdempotencyClaim(IdempotencyClaimKind.Mismatch, scope, key);
            }

            if (existing.GetInt32("Status") is int status and > 0)
            {
                string? body = existing.GetString("AnswerBlob") is { } blob
                    ? (await spill.GetBlobClient(blob).DownloadContentOrDefaultAsync(cancellationToken).ConfigureAwait(false))?.ToString()
                        ?? throw new RequestFailedException(404, $"The stored answer {blob} of idempotency key {partition}/{row} is missing.")
                    : existing.GetString("Answer");
                return new IdempotencyClaim(
                    IdempotencyClaimKind.Replay, scope, key, existing.ETag, existing.GetInt64("Number"), new IdempotencyAnswer(status, existing.GetString("Location"), body));
            }

            DateTimeOffset leaseUntil = existing.GetDateTimeOffset("LeaseUntil") ?? default;
            if (leaseUntil > now)
            {
                return new IdempotencyClaim(IdempotencyClaimKind.InFlight, scope, key, LeaseUntil: leaseUntil);
            }

            // The attempt that claimed it stopped before completing: take over, with the number it took.
            existing["LeaseUntil"] = now + lease;
            if (await TryReplaceAsync(existing, existing.ETag, cancellationToken).ConfigureAwait(false) is { } taken)
            {
                return new IdempotencyClaim(
                    IdempotencyClaimKind.Claimed, scope, key, taken, existing.GetInt64("Number"), Since: existing.GetDateTimeOffset("CreatedAt") ?? since);
            }
        }
    }

    /// <summary>Records the number the claim's attempt took; null when another attempt took the claim over meanwhile.</summary>
    public async Task<IdempotencyClaim?> RecordNumberAsync(IdempotencyClaim claim, long number, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var change = new TableEntity(TableKey.Escape(claim.Scope), TableKey.Escape(claim.Key)) { ["Number"] = number };
        ETag? etag = await TryUpdateAsync(change, claim.ETag, cancellationToken).ConfigureAwait(false);
        return etag is { } e ? claim with { ETag = e, Number = number } : null;
    }

    /// <summary>Stores the answer, so a repeat of the request gets it again; false when the claim was taken over meanwhile.</summary>
    public async Task<bool> CompleteAsync(IdempotencyClaim claim, IdempotencyAnswer answer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(answer);
        var change = new TableEntity(TableKey.Escape(claim.Scope), TableKey.Escape(claim.Key)) { ["Status"] = answer.Status, ["Location"] = answer.Location };
        if (answer.Body is { Length: > MaxInlineChars } body)
        {
            // Written before the row: a lost claim leaves an orphan blob, never a row pointing at nothing.
            string blob = $"idempotency/{change.PartitionKey}/{change.RowKey}/{Guid.NewGuid():N}";
            await spill.GetBlobClient(blob).UploadAsync(BinaryData.FromString(body), cancellationToken).ConfigureAwait(false);
            change["AnswerBlob"] = blob;
        }
        else
        {
            change["Answer"] = answer.Body;
        }

        return await TryUpdateAsync(change, claim.ETag, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Gives the key up (the request was refused and stored nothing), so a retry carries it out afresh.</summary>
    public async Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            await table.DeleteEntityIfExistsAsync(TableKey.Escape(claim.Scope), TableKey.Escape(claim.Key), claim.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Taken over by another attempt: the key is its now.
        }
    }

    /// <summary>Deletes every row (and stored answer) that expired before <paramref name="now"/>; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        int deleted = 0;
        try
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableFilter.LessThan("ExpiresAt", now), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (await table.DeleteEntityIfExistsAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false))
                    {
                        await DeleteAnswerBlobAsync(row, cancellationToken).ConfigureAwait(false);
                        deleted++;
                    }
                }
                catch (RequestFailedException ex) when (ex.Status == 412)
                {
                    // Claimed afresh since the query read it: no longer expired.
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == "TableNotFound")
        {
            // No create with a key yet.
        }

        return deleted;
    }

    private async Task DeleteAnswerBlobAsync(TableEntity row, CancellationToken cancellationToken)
    {
        if (row.GetString("AnswerBlob") is { } blob)
        {
            await spill.GetBlobClient(blob).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ETag?> TryReplaceAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            return (await table.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    private async Task<ETag?> TryUpdateAsync(TableEntity change, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            return (await table.UpdateEntityAsync(change, ifMatch, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false)).Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }
}
