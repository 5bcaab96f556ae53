namespace Hub.Storage.Account;

/// <summary>The three storage services the hub talks to (what <see cref="StorageRequestCounter"/> counts by).</summary>
public enum StorageService
{
    Blob,
    Queue,
    Table,
}
