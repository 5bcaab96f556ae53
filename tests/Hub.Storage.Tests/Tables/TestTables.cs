using Azure.Data.Tables;
using Hub.Testing;

namespace Hub.Storage.Tests.Tables;

/// <summary>A fresh, empty table on the shared Azurite for each test.</summary>
internal static class TestTables
{
    public static async Task<TableClient> CreateAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        TableClient table = azurite.Account().GetTableClient(Azurite.UniqueName());
        await table.CreateIfNotExistsAsync();
        return table;
    }

    public static TableEntity Entity(string partitionKey, string rowKey, params (string Name, object Value)[] properties)
    {
        var entity = new TableEntity(partitionKey, rowKey);
        foreach ((string name, object value) in properties)
        {
            entity[name] = value;
        }

        return entity;
    }
}
