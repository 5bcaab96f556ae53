using Azure;
using Hub.Storage.Tables;
using Hub.Testing;

namespace Hub.Storage.Tests.Tables;

public sealed class TableClientTableTests
{
    [Fact]
    public async Task CreateIfNotExists_CalledTwice_TrueThenFalse()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var table = new TableClient(azurite.Account(), Azurite.UniqueName());

        bool first = await table.CreateIfNotExistsAsync();
        bool second = await table.CreateIfNotExistsAsync();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task DeleteIfExists_ExistingThenMissing_TrueThenFalse()
    {
        TableClient table = await TestTables.CreateAsync();

        bool first = await table.DeleteIfExistsAsync();
        bool second = await table.DeleteIfExistsAsync();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task Add_TableMissing_ThrowsNotFound()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var table = new TableClient(azurite.Account(), Azurite.UniqueName());

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddAsync(new TableEntity("p", "r")));

        Assert.Equal(404, ex.Status);
        Assert.Equal("TableNotFound", ex.ErrorCode);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    [InlineData("Tables")]
    public async Task Constructor_InvalidTableName_Throws(string name)
    {
        Azurite azurite = await Azurite.SharedAsync();

        var ex = Assert.Throws<ArgumentException>(() => new TableClient(azurite.Account(), name));

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }
}
