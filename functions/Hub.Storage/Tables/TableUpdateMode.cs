namespace Hub.Storage.Tables;

/// <summary>How a write treats the properties already stored on an entity.</summary>
public enum TableUpdateMode
{
    /// <summary>Keep stored properties the entity does not mention (HTTP PATCH, "Merge Entity").</summary>
    Merge,

    /// <summary>Store exactly the entity's properties; others are dropped (HTTP PUT, "Update Entity").</summary>
    Replace,
}
