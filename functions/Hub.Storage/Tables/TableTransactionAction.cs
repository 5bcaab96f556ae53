namespace Hub.Storage.Tables;

/// <summary>
/// One operation of an entity group transaction. <paramref name="IfMatch"/> applies to the Update and Delete types
/// (null means "*", any version); Add and Upsert do not take one.
/// </summary>
public sealed record TableTransactionAction(TableTransactionActionType Type, TableEntity Entity, Azure.ETag? IfMatch = null);
