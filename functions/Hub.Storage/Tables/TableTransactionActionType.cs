namespace Hub.Storage.Tables;

/// <summary>The operations an entity group transaction may hold.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; the transaction fails with 409 when the entity exists.</summary>
    Add,

    /// <summary>Insert or merge, unconditionally.</summary>
    UpsertMerge,

    /// <summary>Insert or replace, unconditionally.</summary>
    UpsertReplace,

    /// <summary>Merge into an existing entity, guarded by If-Match (null = "*").</summary>
    UpdateMerge,

    /// <summary>Replace an existing entity, guarded by If-Match (null = "*").</summary>
    UpdateReplace,

    /// <summary>Delete an existing entity, guarded by If-Match (null = "*").</summary>
    Delete,
}
