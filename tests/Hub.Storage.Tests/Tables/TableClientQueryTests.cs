using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

public sealed class TableClientQueryTests
{
    [Fact]
    public async Task Query_Filter_ReturnsOnlyMatchingRowsInKeyOrder()
    {
        TableClient table = await TestTables.CreateAsync();
        foreach (string rk in new[] { "event-002", "event-001", "inbox-1", "state" })
        {
            await table.AddAsync(TestTables.Entity("ticket-1", rk, ("Kind", rk.Split('-')[0])));
        }

        await table.AddAsync(TestTables.Entity("ticket-2", "event-001", ("Kind", "event")));

        List<TableEntity> rows = await table.QueryAsync(TableFilter.RowKeyPrefix("ticket-1", "event-")).ToListAsync();

        Assert.Equal(["event-001", "event-002"], rows.Select(r => r.RowKey));
        Assert.All(rows, r => Assert.Equal("ticket-1", r.PartitionKey));
    }

    [Fact]
    public async Task Query_FilterOnQuotedValue_MatchesExactly()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("p", "1", ("Owner", "O'Brien")));
        await table.AddAsync(TestTables.Entity("p", "2", ("Owner", "OBrien")));

        List<TableEntity> rows = await table.QueryAsync(TableFilter.Equal("Owner", "O'Brien")).ToListAsync();

        Assert.Equal("1", Assert.Single(rows).RowKey);
    }

    [Fact]
    public async Task Query_Select_ReturnsOnlySelectedProperties()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("p", "1", ("A", "a"), ("B", "b")));

        TableEntity row = Assert.Single(await table.QueryAsync(select: ["B"]).ToListAsync());

        Assert.Equal("1", row.RowKey);
        Assert.Equal(["B"], row.Properties.Keys);
        Assert.NotEqual(default, row.ETag);
    }

    [Fact]
    public async Task QueryPage_Top_ReturnsThatManyAndAContinuation()
    {
        TableClient table = await TestTables.CreateAsync();
        for (int i = 0; i < 5; i++)
        {
            await table.AddAsync(new TableEntity("p", $"r{i}"));
        }

        TablePage first = await table.QueryPageAsync(null, null, 2, null);
        TablePage second = await table.QueryPageAsync(null, null, 2, first.ContinuationToken);
        TablePage third = await table.QueryPageAsync(null, null, 2, second.ContinuationToken);

        Assert.Equal(["r0", "r1"], first.Entities.Select(e => e.RowKey));
        Assert.Equal(["r2", "r3"], second.Entities.Select(e => e.RowKey));
        Assert.Equal(["r4"], third.Entities.Select(e => e.RowKey));
        Assert.Null(third.ContinuationToken);
    }

    [Fact]
    public async Task Query_MaxPerPage_StillReturnsEveryRow()
    {
        TableClient table = await TestTables.CreateAsync();
        for (int i = 0; i < 7; i++)
        {
            await table.AddAsync(new TableEntity("p", $"r{i}"));
        }

        List<TableEntity> rows = await table.QueryAsync(maxPerPage: 3).ToListAsync();

        Assert.Equal(7, rows.Count);
    }

    [Fact]
    public async Task Query_2500RowsAcrossPartitions_ReturnsEveryRowThroughContinuation()
    {
        TableClient table = await TestTables.CreateAsync();
        for (int batch = 0; batch < 25; batch++)
        {
            var actions = Enumerable.Range(0, 100)
                .Select(i => new TableTransactionAction(
                    TableTransactionActionType.Add,
                    TestTables.Entity($"p{batch:D2}", $"r{i:D3}", ("N", (batch * 100) + i))))
                .ToList();
            await table.SubmitTransactionAsync(actions);
        }

        List<TableEntity> rows = await table.QueryAsync().ToListAsync();
        TablePage firstPage = await table.QueryPageAsync(null, null, null, null);

        Assert.Equal(2500, rows.Count);
        Assert.Equal(Enumerable.Range(0, 2500), rows.Select(r => r.GetInt32("N")!.Value).Order());
        Assert.Equal(1000, firstPage.Entities.Count);
        Assert.NotNull(firstPage.ContinuationToken);
    }

    [Fact]
    public async Task QueryPage_TopOver1000_Throws()
    {
        TableClient table = await TestTables.CreateAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => table.QueryPageAsync(null, null, 1001, null));
    }
}
