using Azure;
using Azure.Data.Tables;

namespace Hub.Storage.Tables;

/// <summary>
/// The hub's result-as-value idioms on <see cref="TableClient"/>: outcomes a caller expects (the entity exists, or is
/// missing) come back as values; anything else stays a <see cref="RequestFailedException"/>.
/// </summary>
public static class TableClientExtensions
{
    /// <summary>Inserts the entity and returns its ETag; null when one with the same keys exists (409 EntityAlreadyExists).</summary>
    public static async Task<ETag?> TryAddEntityAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            Response response = await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == "EntityAlreadyExists")
        {
            return null;
        }
    }

    /// <summary>
    /// Reads one entity; null when it does not exist. With <paramref name="select"/>, only those properties come back.
    /// </summary>
    public static async Task<TableEntity?> GetEntityOrDefaultAsync(
        this TableClient table, string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        NullableResponse<TableEntity> response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Deletes the entity if its ETag matches (default: any version); false when it does not exist. A stale ETag is a
    /// 412 <see cref="RequestFailedException"/>.
    /// </summary>
    public static async Task<bool> DeleteEntityIfExistsAsync(
        this TableClient table, string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        // The SDK answers a missing entity with its 404 response rather than an exception.
        Response response = await table.DeleteEntityAsync(partitionKey, rowKey, ifMatch == default ? ETag.All : ifMatch, cancellationToken)
            .ConfigureAwait(false);
        return response.Status != 404;
    }

    /// <summary>
    /// One page of at most <paramref name="pageSize"/> entities, resuming at <paramref name="continuationToken"/>. A page
    /// may be short, even empty, and still carry a continuation token; the query is done only when the token is null.
    /// </summary>
    public static async Task<Page<TableEntity>> QueryPageAsync(
        this TableClient table, string? filter, int pageSize, string? continuationToken, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken)
                           .AsPages(continuationToken, pageSize).ConfigureAwait(false))
        {
            return page;
        }

        // The service answers every query with a page, if an empty one.
        throw new InvalidOperationException("The table query returned no page.");
    }
}
