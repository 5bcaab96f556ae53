using Azure;
using Azure.Data.Tables;

namespace Hub.Storage.Tests.Tables;

/// <summary>
/// The durable runtime depends on Azurite (like the service) applying nothing of an entity group transaction that
/// fails: an If-Match that no longer holds (412) or an insert that collides (409, the inbox duplicate). These prove the
/// emulator still does, rather than trusting it.
/// </summary>
public sealed class TableTransactionFidelityTests
{
    [Fact]
    public async Task SubmitTransaction_StaleIfMatch_Fails412AtItsIndexAndAppliesNothing()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag stale = (await table.AddEntityAsync(TestTables.Entity("t1", "state", ("State", "open")))).Headers.ETag!.Value;
        ETag current = (await table.UpdateEntityAsync(TestTables.Entity("t1", "state", ("State", "acked")), stale)).Headers.ETag!.Value;

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "event-0001", ("To", "closed"))),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "inbox-m1")),
            new(TableTransactionActionType.UpdateReplace, TestTables.Entity("t1", "state", ("State", "closed")), stale),
        ]));
        List<TableEntity> rows = await table.QueryAsync<TableEntity>().ToListAsync();

        Assert.Equal(412, ex.Status);
        Assert.Equal(2, ex.FailedTransactionActionIndex);
        Assert.Equal("state", Assert.Single(rows).RowKey);
        Assert.Equal("acked", rows[0].GetString("State"));
        Assert.Equal(current, rows[0].ETag);
    }

    [Fact]
    public async Task SubmitTransaction_AddCollidesWithExisting_Fails409AtItsIndexAndAppliesNothing()
    {
        TableClient table = await TestTables.CreateAsync();
        ETag state = (await table.AddEntityAsync(TestTables.Entity("t1", "state", ("State", "open")))).Headers.ETag!.Value;
        await table.AddEntityAsync(TestTables.Entity("t1", "inbox-m1", ("At", 1)));

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpdateMerge, TestTables.Entity("t1", "state", ("State", "acked")), state),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "event-0001", ("To", "acked"))),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "inbox-m1", ("At", 2))),
            new(TableTransactionActionType.Add, TestTables.Entity("t1", "outbox-1")),
        ]));
        Dictionary<string, TableEntity> rows = (await table.QueryAsync<TableEntity>().ToListAsync()).ToDictionary(e => e.RowKey);

        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        Assert.Equal(2, ex.FailedTransactionActionIndex);
        Assert.Equal(["inbox-m1", "state"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("open", rows["state"].GetString("State"));
        Assert.Equal(state, rows["state"].ETag);
        Assert.Equal(1, rows["inbox-m1"].GetInt32("At"));
    }

    [Fact]
    public async Task SubmitTransaction_100Actions_AppliesAll()
    {
        TableClient table = await TestTables.CreateAsync();
        var actions = Enumerable.Range(0, 100)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i:D3}")))
            .ToList();

        Response<IReadOnlyList<Response>> responses = await table.SubmitTransactionAsync(actions);

        Assert.Equal(100, responses.Value.Count);
        Assert.Equal(100, (await table.QueryAsync<TableEntity>().ToListAsync()).Count);
    }
}
