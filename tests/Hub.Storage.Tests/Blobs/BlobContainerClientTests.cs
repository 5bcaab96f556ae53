using Hub.Storage.Blobs;
using Hub.Testing;

namespace Hub.Storage.Tests.Blobs;

public sealed class BlobContainerClientTests
{
    [Fact]
    public async Task CreateIfNotExists_CalledTwice_CreatesOnce()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var container = new BlobContainerClient(azurite.Account(), Azurite.UniqueName("c"));

        bool first = await container.CreateIfNotExistsAsync();
        bool second = await container.CreateIfNotExistsAsync();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task DeleteIfExists_ExistingThenMissing_ReturnsTrueThenFalse()
    {
        BlobContainerClient container = await CreateContainerAsync();

        bool first = await container.DeleteIfExistsAsync();
        bool second = await container.DeleteIfExistsAsync();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task ListPage_25BlobsInPagesOf10_FollowsNextMarkerToTheEnd()
    {
        BlobContainerClient container = await CreateContainerAsync();
        for (int i = 0; i < 25; i++)
        {
            await container.GetBlobClient($"logs/{i:D2}.txt").UploadAsync(BinaryData.FromString("x"));
        }

        await container.GetBlobClient("other/00.txt").UploadAsync(BinaryData.FromString("x"));

        BlobPage first = await container.ListPageAsync("logs/", maxResults: 10);
        BlobPage second = await container.ListPageAsync("logs/", first.NextMarker, 10);
        BlobPage third = await container.ListPageAsync("logs/", second.NextMarker, 10);

        Assert.Equal(10, first.Items.Count);
        Assert.Equal(10, second.Items.Count);
        Assert.Equal(5, third.Items.Count);
        Assert.NotNull(first.NextMarker);
        Assert.NotNull(second.NextMarker);
        Assert.Null(third.NextMarker);
        Assert.Equal(
            Enumerable.Range(0, 25).Select(i => $"logs/{i:D2}.txt"),
            first.Items.Concat(second.Items).Concat(third.Items).Select(b => b.Name));
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsMatchingBlobsWithTheirProperties()
    {
        BlobContainerClient container = await CreateContainerAsync();
        Azure.ETag etag = await container.GetBlobClient("outbox/mail-1.json")
            .UploadAsync(BinaryData.FromString("{\"to\":\"ops\"}"), new BlobUploadOptions(ContentType: "application/json"));
        await container.GetBlobClient("outbox/mail-2.json").UploadAsync(BinaryData.FromString("{}"));
        await container.GetBlobClient("inbox/mail-3.json").UploadAsync(BinaryData.FromString("{}"));

        var items = new List<BlobItem>();
        await foreach (BlobItem item in container.ListAsync("outbox/"))
        {
            items.Add(item);
        }

        Assert.Equal(["outbox/mail-1.json", "outbox/mail-2.json"], items.Select(i => i.Name));
        Assert.Equal(12, items[0].ContentLength);
        Assert.Equal("application/json", items[0].ContentType);
        Assert.Equal(etag, items[0].ETag);
        Assert.True(items[0].LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    private static async Task<BlobContainerClient> CreateContainerAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var container = new BlobContainerClient(azurite.Account(), Azurite.UniqueName("c"));
        await container.CreateIfNotExistsAsync();
        return container;
    }
}
