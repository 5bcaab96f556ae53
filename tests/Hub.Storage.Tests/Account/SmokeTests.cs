using Hub.Storage.Account;
using Hub.Testing;

namespace Hub.Storage.Tests.Account;

public sealed class SmokeTests
{
    [Fact]
    public async Task Parse_AzuriteConnectionString_ReachesEveryServiceWithTheAccountKey()
    {
        Azurite azurite = await Azurite.SharedAsync();
        StorageAccount account = StorageAccount.Parse(azurite.ConnectionString);

        var containers = await account.Blobs.GetBlobContainersAsync().AsPages(null, 1).FirstAsync();
        var queues = await account.Queues.GetQueuesAsync().AsPages(null, 1).FirstAsync();
        var tables = await account.Tables.QueryAsync(maxPerPage: 1).AsPages(null, 1).FirstAsync();

        Assert.Equal(200, containers.GetRawResponse().Status);
        Assert.Equal(200, queues.GetRawResponse().Status);
        Assert.Equal(200, tables.GetRawResponse().Status);
        Assert.Equal("devstoreaccount1", account.Name);
        Assert.Equal(new Uri($"http://127.0.0.1:{azurite.TablePort}/devstoreaccount1"), account.TableEndpoint);
    }
}
