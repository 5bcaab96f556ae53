namespace Hub.Storage.Account;

/// <summary>The three storage services the hub talks to; each has its own endpoint, API version and signing rules.</summary>
public enum StorageService
{
    Blob,
    Queue,
    Table,
}
