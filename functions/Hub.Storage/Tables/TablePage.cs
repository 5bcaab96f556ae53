namespace Hub.Storage.Tables;

/// <summary>One page of a query; <paramref name="ContinuationToken"/> is null on the last page.</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, string? ContinuationToken);
