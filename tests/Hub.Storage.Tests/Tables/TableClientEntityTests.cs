using Azure;
using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

public sealed class TableClientEntityTests
{
    [Fact]
    public async Task Add_NewEntity_StoresItAndReturnsItsETag()
    {
        TableClient table = await TestTables.CreateAsync();

        ETag etag = await table.AddAsync(TestTables.Entity("p", "r", ("Name", "first")));
        TableEntity? stored = await table.GetAsync("p", "r");

        Assert.NotNull(stored);
        Assert.Equal("first", stored.GetString("Name"));
        Assert.Equal(etag, stored.ETag);
        Assert.NotNull(stored.Timestamp);
    }

    [Fact]
    public async Task Add_Duplicate_Throws409EntityAlreadyExists()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(new TableEntity("p", "r"));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddAsync(new TableEntity("p", "r")));

        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
    }

    [Fact]
    public async Task TryAdd_Duplicate_ReturnsNullAndKeepsOriginal()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag? first = await table.TryAddAsync(TestTables.Entity("p", "r", ("Name", "first")));

        ETag? second = await table.TryAddAsync(TestTables.Entity("p", "r", ("Name", "second")));

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("first", (await table.GetAsync("p", "r"))!.GetString("Name"));
    }

    [Fact]
    public async Task Upsert_Merge_KeepsPropertiesNotMentioned()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("p", "r", ("A", "a"), ("B", "b")));

        await table.UpsertAsync(TestTables.Entity("p", "r", ("B", "b2"), ("C", "c")), TableUpdateMode.Merge);
        TableEntity stored = (await table.GetAsync("p", "r"))!;

        Assert.Equal("a", stored.GetString("A"));
        Assert.Equal("b2", stored.GetString("B"));
        Assert.Equal("c", stored.GetString("C"));
    }

    [Fact]
    public async Task Upsert_Replace_DropsPropertiesNotMentioned()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("p", "r", ("A", "a"), ("B", "b")));

        await table.UpsertAsync(TestTables.Entity("p", "r", ("B", "b2")), TableUpdateMode.Replace);
        TableEntity stored = (await table.GetAsync("p", "r"))!;

        Assert.Null(stored["A"]);
        Assert.Equal("b2", stored.GetString("B"));
        Assert.Single(stored.Properties);
    }

    [Fact]
    public async Task Upsert_Missing_InsertsIt()
    {
        TableClient table = await TestTables.CreateAsync();

        ETag etag = await table.UpsertAsync(TestTables.Entity("p", "r", ("A", "a")));

        Assert.Equal(etag, (await table.GetAsync("p", "r"))!.ETag);
    }

    [Fact]
    public async Task Update_CurrentETag_SucceedsWithNewETag()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag original = await table.AddAsync(TestTables.Entity("p", "r", ("State", "open")));

        ETag updated = await table.UpdateAsync(TestTables.Entity("p", "r", ("State", "closed")), original);
        TableEntity stored = (await table.GetAsync("p", "r"))!;

        Assert.NotEqual(original, updated);
        Assert.Equal(updated, stored.ETag);
        Assert.Equal("closed", stored.GetString("State"));
    }

    [Fact]
    public async Task Update_StaleETag_Throws412AndKeepsStored()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag stale = await table.AddAsync(TestTables.Entity("p", "r", ("State", "open")));
        await table.UpdateAsync(TestTables.Entity("p", "r", ("State", "acked")), stale);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateAsync(TestTables.Entity("p", "r", ("State", "closed")), stale));

        Assert.Equal(412, ex.Status);
        Assert.Equal("UpdateConditionNotSatisfied", ex.ErrorCode);
        Assert.Equal("acked", (await table.GetAsync("p", "r"))!.GetString("State"));
    }

    [Fact]
    public async Task Update_MergeWithETagAll_KeepsOtherProperties()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("p", "r", ("A", "a"), ("B", "b")));

        await table.UpdateAsync(TestTables.Entity("p", "r", ("B", "b2")), ETag.All, TableUpdateMode.Merge);
        TableEntity stored = (await table.GetAsync("p", "r"))!;

        Assert.Equal("a", stored.GetString("A"));
        Assert.Equal("b2", stored.GetString("B"));
    }

    [Fact]
    public async Task Update_Missing_Throws404()
    {
        TableClient table = await TestTables.CreateAsync();

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateAsync(new TableEntity("p", "r"), ETag.All));

        Assert.Equal(404, ex.Status);
    }

    [Fact]
    public async Task Delete_WithoutETag_RemovesIt()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(new TableEntity("p", "r"));

        bool deleted = await table.DeleteAsync("p", "r");

        Assert.True(deleted);
        Assert.Null(await table.GetAsync("p", "r"));
    }

    [Fact]
    public async Task Delete_CurrentETag_RemovesIt()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag etag = await table.AddAsync(new TableEntity("p", "r"));

        bool deleted = await table.DeleteAsync("p", "r", etag);

        Assert.True(deleted);
        Assert.Null(await table.GetAsync("p", "r"));
    }

    [Fact]
    public async Task Delete_StaleETag_Throws412AndKeepsIt()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag stale = await table.AddAsync(new TableEntity("p", "r"));
        await table.UpsertAsync(TestTables.Entity("p", "r", ("A", "a")));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteAsync("p", "r", stale));

        Assert.Equal(412, ex.Status);
        Assert.NotNull(await table.GetAsync("p", "r"));
    }

    [Fact]
    public async Task Delete_Missing_ReturnsFalse()
    {
        TableClient table = await TestTables.CreateAsync();

        bool deleted = await table.DeleteAsync("p", "missing");

        Assert.False(deleted);
    }

    [Fact]
    public async Task Get_Missing_ReturnsNull()
    {
        TableClient table = await TestTables.CreateAsync();

        TableEntity? entity = await table.GetAsync("p", "missing");

        Assert.Null(entity);
    }

    [Fact]
    public async Task Get_WithSelect_ReturnsOnlySelectedPropertiesAndKeys()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("p", "r", ("A", "a"), ("B", 2), ("C", true)));

        TableEntity? entity = await table.GetAsync("p", "r", select: ["A", "B"]);

        Assert.NotNull(entity);
        Assert.Equal("p", entity.PartitionKey);
        Assert.Equal("r", entity.RowKey);
        Assert.Equal(["A", "B"], entity.Properties.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, entity.GetInt32("B"));
    }

    [Fact]
    public async Task Get_KeysWithQuoteSpaceAndPercent_RoundTrip()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("O'Brien & co", "50% off+more", ("A", "a")));

        TableEntity? entity = await table.GetAsync("O'Brien & co", "50% off+more");
        bool deleted = await table.DeleteAsync("O'Brien & co", "50% off+more");

        Assert.NotNull(entity);
        Assert.Equal("O'Brien & co", entity.PartitionKey);
        Assert.Equal("50% off+more", entity.RowKey);
        Assert.True(deleted);
    }
}
