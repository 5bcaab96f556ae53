using Azure;
using Azure.Data.Tables;
using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

public sealed class TableClientExtensionsTests
{
    [Fact]
    public async Task TryAddEntity_New_ReturnsTheStoredETag()
    {
        TableClient table = await TestTables.CreateAsync();

        ETag? etag = await table.TryAddEntityAsync(TestTables.Entity("p", "r", ("State", "open")));
        TableEntity? stored = await table.GetEntityOrDefaultAsync("p", "r");

        Assert.NotNull(etag);
        Assert.Equal(stored!.ETag, etag);
        Assert.Equal("open", stored.GetString("State"));
    }

    [Fact]
    public async Task TryAddEntity_Duplicate_ReturnsNullAndKeepsOriginal()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddEntityAsync(TestTables.Entity("p", "r", ("State", "open")));

        ETag? second = await table.TryAddEntityAsync(TestTables.Entity("p", "r", ("State", "closed")));

        Assert.Null(second);
        Assert.Equal("open", (await table.GetEntityOrDefaultAsync("p", "r"))!.GetString("State"));
    }

    [Fact]
    public async Task GetEntityOrDefault_Missing_ReturnsNull()
    {
        TableClient table = await TestTables.CreateAsync();

        TableEntity? missing = await table.GetEntityOrDefaultAsync("p", "nothing");

        Assert.Null(missing);
    }

    [Fact]
    public async Task GetEntityOrDefault_WithSelect_ReturnsOnlyTheSelectedPropertyAndTheETag()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddEntityAsync(TestTables.Entity("p", "r", ("At", "then"), ("Big", "not wanted")));

        TableEntity? row = await table.GetEntityOrDefaultAsync("p", "r", ["At"]);

        Assert.Equal("then", row!.GetString("At"));
        Assert.Null(row.GetString("Big"));
        Assert.NotEqual(default, row.ETag);
    }

    [Fact]
    public async Task DeleteEntityIfExists_ExistingThenMissing_TrueThenFalse()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));

        bool first = await table.DeleteEntityIfExistsAsync("p", "r");
        bool second = await table.DeleteEntityIfExistsAsync("p", "r");

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task DeleteEntityIfExists_StaleETag_Throws412AndKeepsIt()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag stale = (await table.AddEntityAsync(TestTables.Entity("p", "r", ("V", 1)))).Headers.ETag!.Value;
        await table.UpdateEntityAsync(TestTables.Entity("p", "r", ("V", 2)), stale);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityIfExistsAsync("p", "r", stale));

        Assert.Equal(412, error.Status);
        Assert.NotNull(await table.GetEntityOrDefaultAsync("p", "r"));
    }

    [Fact]
    public async Task QueryPage_PageSizeTwoOverFiveRows_FollowsTheContinuationToTheEnd()
    {
        TableClient table = await TestTables.CreateAsync();
        for (int i = 0; i < 5; i++)
        {
            await table.AddEntityAsync(new TableEntity("q", $"k{i}"));
        }

        await table.AddEntityAsync(new TableEntity("other", "k9"));
        string filter = TableFilter.Partition("q");

        Page<TableEntity> first = await table.QueryPageAsync(filter, 2, null);
        Page<TableEntity> second = await table.QueryPageAsync(filter, 2, first.ContinuationToken);
        Page<TableEntity> third = await table.QueryPageAsync(filter, 2, second.ContinuationToken);

        Assert.Equal(["k0", "k1"], first.Values.Select(e => e.RowKey));
        Assert.Equal(["k2", "k3"], second.Values.Select(e => e.RowKey));
        Assert.Equal(["k4"], third.Values.Select(e => e.RowKey));
        Assert.NotNull(first.ContinuationToken);
        Assert.NotNull(second.ContinuationToken);
        Assert.Null(third.ContinuationToken);
    }
}
