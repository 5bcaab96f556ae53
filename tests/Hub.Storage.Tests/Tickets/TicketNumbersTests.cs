using Azure.Data.Tables;
using Hub.Storage.Tables;
using Hub.Storage.Tickets;
using Hub.Testing;

namespace Hub.Storage.Tests.Tickets;

public sealed class TicketNumbersTests
{
    [Fact]
    public async Task NextAsync_FreshTable_StartsAtOneAndCounts()
    {
        var table = await NewTableAsync();
        var numbers = new TicketNumbers(table, blockSize: 3);

        long[] taken = [await numbers.NextAsync(), await numbers.NextAsync(), await numbers.NextAsync(), await numbers.NextAsync()];

        Assert.Equal([1L, 2L, 3L, 4L], taken);
        Assert.Equal(7, (await table.GetEntityOrDefaultAsync(TicketNumbers.CounterPartition, TicketNumbers.CounterRow))!.GetInt64("Next"));
    }

    [Fact]
    public async Task NextAsync_FourHubsAllocatingConcurrently_NeverCollide()
    {
        var table = await NewTableAsync();
        var hubs = Enumerable.Range(0, 4).Select(_ => new TicketNumbers(table, blockSize: 7)).ToList();

        long[][] taken = await Task.WhenAll(hubs.Select(hub => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (int i = 0; i < 250; i++)
            {
                mine.Add(await hub.NextAsync());
            }

            return mine.ToArray();
        })));
        long[] all = taken.SelectMany(t => t).ToArray();

        Assert.Equal(1000, all.Length);
        Assert.Equal(1000, all.Distinct().Count());
        Assert.All(taken, mine => Assert.Equal(mine.Order(), mine));
        Assert.True(all.Max() <= 1000 + (4 * 7), $"highest number {all.Max()} leaves more than one partial block per hub");
    }

    [Fact]
    public async Task NextAsync_RestartedHub_SkipsItsUnusedBlockInsteadOfReusingIt()
    {
        var table = await NewTableAsync();
        var before = new TicketNumbers(table, blockSize: 10);
        await before.NextAsync();

        var after = new TicketNumbers(table, blockSize: 10);
        long next = await after.NextAsync();

        Assert.Equal(11, next);
    }

    private static async Task<TableClient> NewTableAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var table = azurite.Account().GetTableClient(Azurite.UniqueName("n"));
        await table.CreateIfNotExistsAsync();
        return table;
    }
}
