using Hub.Storage.Account;

namespace Hub.Storage.Tests.Account;

public sealed class StorageConnectionStringTests
{
    private const string Key = "a2V5LWJ5dGVzLWZvci10ZXN0cw==";

    [Fact]
    public void Parse_UseDevelopmentStorage_GivesAzuriteDefaults()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal(64, parsed.AccountKey!.Length);
    }

    [Fact]
    public void Parse_AccountNameKeyAndSuffix_BuildsServiceEndpoints()
    {
        var parsed = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=hubprod;AccountKey={Key};EndpointSuffix=core.usgovcloudapi.net");

        Assert.Equal("hubprod", parsed.AccountName);
        Assert.Equal(new Uri("https://hubprod.blob.core.usgovcloudapi.net"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://hubprod.queue.core.usgovcloudapi.net"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("https://hubprod.table.core.usgovcloudapi.net"), parsed.TableEndpoint);
        Assert.Equal("key-bytes-for-tests"u8.ToArray(), parsed.AccountKey);
    }

    [Fact]
    public void Parse_ExplicitEndpoints_OverrideDerivedOnes()
    {
        var parsed = StorageConnectionString.Parse(
            $"AccountName=acc;AccountKey={Key};BlobEndpoint=http://10.1.1.1:9/acc/;QueueEndpoint=http://q.local/acc;TableEndpoint=https://t.local");

        Assert.Equal(new Uri("http://10.1.1.1:9/acc"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://q.local/acc"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("https://t.local"), parsed.TableEndpoint);
    }

    [Theory]
    [InlineData("AccountName=acc;AccountKey=not base64!!", "AccountKey is not valid base64.")]
    [InlineData("AccountKey=" + Key, "AccountName is required in the storage connection string.")]
    [InlineData("AccountName=acc;AccountKey=" + Key + ";Colour=blue", "Connection string setting 'Colour' is not recognised.")]
    [InlineData("AccountName=acc;secretfragment", "Connection string segment 2 is not of the form Name=Value.")]
    [InlineData("AccountName=acc;BlobEndpoint=ftp://x", "BlobEndpoint 'ftp://x' is not an absolute http or https URI.")]
    [InlineData("AccountName=acc;DefaultEndpointsProtocol=gopher", "DefaultEndpointsProtocol must be 'http' or 'https', not 'gopher'.")]
    [InlineData("AccountName=a;AccountName=b", "Connection string setting 'AccountName' appears more than once.")]
    [InlineData("  ", "The storage connection string is empty.")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage must be 'true' when present.")]
    public void Parse_Malformed_NamesTheBadPart(string connectionString, string message)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_BadKey_NeverEchoesTheKey()
    {
        const string secret = "c2VjcmV0LWtleQ==;===";

        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse($"AccountName=acc;AccountKey={secret}"));

        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_NeverContainsTheKey()
    {
        var parsed = StorageConnectionString.Parse($"AccountName=acc;AccountKey={Key}");

        Assert.DoesNotContain(Key, parsed.ToString(), StringComparison.Ordinal);
    }
}
