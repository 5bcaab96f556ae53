using Azure;
using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

public sealed class TableClientTransactionTests
{
    [Fact]
    public async Task SubmitTransaction_MixedActions_AppliesAllAndReturnsETagsInOrder()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag stateETag = await table.AddAsync(TestTables.Entity("t1", "state", ("State", "open"), ("Note", "keep")));
        await table.AddAsync(TestTables.Entity("t1", "outbox-1", ("To", "ops")));
        await table.AddAsync(TestTables.Entity("t1", "old", ("X", 1)));
        await table.AddAsync(TestTables.Entity("t1", "replace-me", ("X", 1), ("Y", 2)));

        IReadOnlyList<ETag?> etags = await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpdateMerge, TestTables.Entity("t1", "state", ("State", "acked")), stateETag),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "event-0001", ("To", "acked"))),
            new(TableTransactionActionType.UpsertMerge, TestTables.Entity("t1", "inbox-m1", ("At", 1))),
            new(TableTransactionActionType.UpsertReplace, TestTables.Entity("t1", "replace-me", ("Y", 3))),
            new(TableTransactionActionType.UpdateReplace, TestTables.Entity("t1", "outbox-1", ("To", "dev"))),
            new(TableTransactionActionType.Delete, new TableEntity("t1", "old")),
        ]);
        Dictionary<string, TableEntity> rows = (await table.QueryAsync().ToListAsync()).ToDictionary(e => e.RowKey);

        Assert.Equal(6, etags.Count);
        Assert.Null(etags[5]);
        Assert.Equal(rows["state"].ETag, etags[0]);
        Assert.Equal(rows["event-0001"].ETag, etags[1]);
        Assert.Equal(rows["inbox-m1"].ETag, etags[2]);
        Assert.Equal(rows["replace-me"].ETag, etags[3]);
        Assert.Equal(rows["outbox-1"].ETag, etags[4]);
        Assert.Equal("acked", rows["state"].GetString("State"));
        Assert.Equal("keep", rows["state"].GetString("Note"));
        Assert.Equal(["Y"], rows["replace-me"].Properties.Keys);
        Assert.Equal("dev", rows["outbox-1"].GetString("To"));
        Assert.False(rows.ContainsKey("old"));
    }

    [Fact]
    public async Task SubmitTransaction_StaleIfMatch_Fails412AndAppliesNothing()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag stale = await table.AddAsync(TestTables.Entity("t1", "state", ("State", "open")));
        ETag current = await table.UpdateAsync(TestTables.Entity("t1", "state", ("State", "acked")), stale);

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "event-0001", ("To", "closed"))),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "inbox-m1")),
            new(TableTransactionActionType.UpdateReplace, TestTables.Entity("t1", "state", ("State", "closed")), stale),
        ]));
        List<TableEntity> rows = await table.QueryAsync().ToListAsync();

        Assert.Equal(412, ex.Status);
        Assert.Equal(2, ex.FailedIndex);
        Assert.Equal("state", Assert.Single(rows).RowKey);
        Assert.Equal("acked", rows[0].GetString("State"));
        Assert.Equal(current, rows[0].ETag);
    }

    [Fact]
    public async Task SubmitTransaction_AddCollidesWithExisting_Fails409AndAppliesNothing()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag state = await table.AddAsync(TestTables.Entity("t1", "state", ("State", "open")));
        await table.AddAsync(TestTables.Entity("t1", "inbox-m1", ("At", 1)));

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpdateMerge, TestTables.Entity("t1", "state", ("State", "acked")), state),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "event-0001", ("To", "acked"))),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "inbox-m1", ("At", 2))),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "outbox-1")),
        ]));
        Dictionary<string, TableEntity> rows = (await table.QueryAsync().ToListAsync()).ToDictionary(e => e.RowKey);

        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        Assert.Equal(2, ex.FailedIndex);
        Assert.Equal(["inbox-m1", "state"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("open", rows["state"].GetString("State"));
        Assert.Equal(state, rows["state"].ETag);
        Assert.Equal(1, rows["inbox-m1"].GetInt32("At"));
    }

    [Fact]
    public async Task SubmitTransaction_DeleteMissing_Fails404WithIndex()
    {
        TableClient table = await TestTables.CreateAsync();

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("t1", "a")),
            new(TableTransactionActionType.Delete, new TableEntity("t1", "missing")),
        ]));

        Assert.Equal(404, ex.Status);
        Assert.Equal(1, ex.FailedIndex);
        Assert.Empty(await table.QueryAsync().ToListAsync());
    }

    [Fact]
    public async Task SubmitTransaction_101Actions_RefusedBeforeSending()
    {
        TableClient table = await TestTables.CreateAsync();
        var actions = Enumerable.Range(0, 101)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i}")))
            .ToList();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(actions));

        Assert.Contains("at most 100", ex.Message, StringComparison.Ordinal);
        Assert.Contains("101", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await table.QueryAsync().ToListAsync());
    }

    [Fact]
    public async Task SubmitTransaction_TwoPartitions_RefusedBeforeSending()
    {
        TableClient table = await TestTables.CreateAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("a", "1")),
            new(TableTransactionActionType.Add, new TableEntity("b", "2")),
        ]));

        Assert.Contains("PartitionKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await table.QueryAsync().ToListAsync());
    }

    [Fact]
    public async Task SubmitTransaction_Over4MiB_RefusedBeforeSending()
    {
        TableClient table = await TestTables.CreateAsync();
        // 5 entities of ~900 KB each: every entity is under the 1 MiB entity limit, the payload is over 4 MiB.
        var actions = Enumerable.Range(0, 5)
            .Select(i => new TableTransactionAction(
                TableTransactionActionType.Add,
                TestTables.Entity("p", $"r{i}", ("Blob", new byte[675_000]))))
            .ToList();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(actions));

        Assert.Contains("4 MiB", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await table.QueryAsync().ToListAsync());
    }

    [Fact]
    public async Task SubmitTransaction_SameRowTwice_RefusedBeforeSending()
    {
        TableClient table = await TestTables.CreateAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "1")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "1")),
        ]));

        Assert.Contains("'1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTransaction_Empty_RefusedBeforeSending()
    {
        TableClient table = await TestTables.CreateAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([]));
    }

    [Fact]
    public async Task SubmitTransaction_100Actions_Succeeds()
    {
        TableClient table = await TestTables.CreateAsync();
        var actions = Enumerable.Range(0, 100)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i:D3}")))
            .ToList();

        IReadOnlyList<ETag?> etags = await table.SubmitTransactionAsync(actions);

        Assert.Equal(100, etags.Count);
        Assert.All(etags, e => Assert.NotNull(e));
        Assert.Equal(100, (await table.QueryAsync().ToListAsync()).Count);
    }
}
