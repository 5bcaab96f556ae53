using Hub.Storage.Account;

namespace Hub.Storage.Tests.Account;

public sealed class StorageConnectionsTests
{
    private const string Key = "a2V5LWJ5dGVzLWZvci10ZXN0cw==";

    [Fact]
    public void Resolve_ConnectionString_UsesItsEndpoints()
    {
        StorageAccount account = Resolve(new() { ["AzureWebJobsStorage"] = $"AccountName=acc;AccountKey={Key};TableEndpoint=https://t.local/acc" });

        Assert.Equal("acc", account.Name);
        Assert.Equal(new Uri("https://t.local/acc"), account.TableEndpoint);
        Assert.Equal(new Uri("https://acc.blob.core.windows.net"), account.BlobEndpoint);
    }

    [Fact]
    public void Resolve_ConnectionStringsSection_IsTheFallback()
    {
        StorageAccount account = Resolve(new() { ["ConnectionStrings:AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), account.QueueEndpoint);
    }

    [Fact]
    public void Resolve_AccountNameWithManagedIdentity_UsesThePublicEndpoints()
    {
        StorageAccount account = Resolve(new()
        {
            ["AzureWebJobsStorage:accountName"] = "hubprod",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        Assert.Equal("hubprod", account.Name);
        Assert.Equal(new Uri("https://hubprod.blob.core.windows.net"), account.BlobEndpoint);
        Assert.Equal(new Uri("https://hubprod.queue.core.windows.net"), account.QueueEndpoint);
        Assert.Equal(new Uri("https://hubprod.table.core.windows.net"), account.TableEndpoint);
    }

    [Fact]
    public void Resolve_ExplicitServiceUris_UsesThem()
    {
        StorageAccount account = Resolve(new()
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://hubprod.blob.core.usgovcloudapi.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://hubprod.queue.core.usgovcloudapi.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://hubprod.table.core.usgovcloudapi.net",
        });

        Assert.Equal("hubprod", account.Name);
        Assert.Equal(new Uri("https://hubprod.table.core.usgovcloudapi.net"), account.TableEndpoint);
    }

    [Theory]
    [InlineData(new[] { "" }, "Setting 'AzureWebJobsStorage' is not set: give a storage connection string")]
    [InlineData(new[] { "AzureWebJobsStorage", "AccountName=acc;AccountKey=not*base64" }, "Setting 'AzureWebJobsStorage' is not a valid storage connection string: AccountKey is not valid base64.")]
    [InlineData(new[] { "AzureWebJobsStorage:blobServiceUri", "https://a.blob.core.windows.net" }, "'AzureWebJobsStorage__queueServiceUri', 'AzureWebJobsStorage__tableServiceUri'")]
    [InlineData(new[] { "AzureWebJobsStorage:accountName", "acc", "AzureWebJobsStorage:credential", "password" }, "Setting 'AzureWebJobsStorage__credential' must be 'managedidentity' when present")]
    [InlineData(new[] { "AzureWebJobsStorage:accountName", "acc", "AzureWebJobsStorage:tableServiceUri", "ftp://t" }, "Setting 'AzureWebJobsStorage__tableServiceUri' 'ftp://t' is not an absolute http or https URI.")]
    public void Resolve_BadSetting_NamesItAndNeverTheKey(string[] pairs, string expected)
    {
        var settings = new Dictionary<string, string?>();
        for (int i = 0; i + 1 < pairs.Length; i += 2)
        {
            settings[pairs[i]] = pairs[i + 1];
        }

        var error = Assert.Throws<FormatException>(() => Resolve(settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not*base64", error.Message, StringComparison.Ordinal);
    }

    private static StorageAccount Resolve(Dictionary<string, string?> settings) =>
        StorageConnections.Resolve("AzureWebJobsStorage", key => settings.GetValueOrDefault(key));
}
