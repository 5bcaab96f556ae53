using System.Security.Cryptography;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Storage.Account;
using Hub.Storage.Blobs;
using Hub.Testing;

namespace Hub.Storage.Tests.Blobs;

public sealed class BlobClientTests
{
    [Fact]
    public async Task Upload_SmallContent_RoundTripsInOnePut()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("reports/daily 2025-01-05.txt");

        ETag etag = await blob.UploadAsync(BinaryData.FromString("all green"));
        BinaryData? content = await blob.DownloadContentAsync();
        BlobProperties? properties = await blob.GetPropertiesAsync();

        Assert.Equal("all green", content?.ToString());
        Assert.Equal(etag, properties?.ETag);
        Assert.Equal("application/octet-stream", properties?.ContentType);
        Assert.Empty(await CommittedBlockSizesAsync(blob));
    }

    [Fact]
    public async Task Upload_AboveSingleShotLimit_StagesEqualLengthBlocksAndCommitsThem()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("big.bin");
        blob.SingleShotLimit = 1024;
        blob.BlockSize = 1024;
        byte[] data = RandomBytes((10 * 1024) + 100, seed: 1);

        ETag etag = await blob.UploadAsync(new MemoryStream(data), new BlobUploadOptions(ContentType: "application/x-test"));
        BinaryData? content = await blob.DownloadContentAsync();
        IReadOnlyList<(string Name, long Size)> blocks = await CommittedBlockSizesAsync(blob);
        BlobProperties? properties = await blob.GetPropertiesAsync();

        Assert.Equal(SHA256.HashData(data), SHA256.HashData(content!.ToArray()));
        Assert.Equal(11, blocks.Count);
        Assert.All(blocks.Take(10), b => Assert.Equal(1024, b.Size));
        Assert.Equal(100, blocks[10].Size);
        Assert.Single(blocks.Select(b => b.Name.Length).Distinct());
        Assert.Equal(etag, properties?.ETag);
        Assert.Equal("application/x-test", properties?.ContentType);
    }

    [Fact]
    public async Task Upload_Over4MiB_UsesTwoDefaultBlocksAndContentMatches()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("bigger.bin");
        byte[] data = RandomBytes((5 * 1024 * 1024) + 7, seed: 2);

        await blob.UploadAsync(new MemoryStream(data));
        await using BlobDownload? download = await blob.DownloadAsync();
        byte[] hash = await SHA256.HashDataAsync(download!.Content);
        IReadOnlyList<(string Name, long Size)> blocks = await CommittedBlockSizesAsync(blob);

        Assert.Equal(SHA256.HashData(data), hash);
        Assert.Equal(5_242_887, download.Properties.ContentLength);
        Assert.Equal([4_194_304L, 1_048_583L], blocks.Select(b => b.Size));
    }

    [Fact]
    public async Task UploadIfAbsent_CalledTwice_SecondReturnsNullAndKeepsFirstContent()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("singleton-lock");

        ETag? first = await blob.UploadIfAbsentAsync(BinaryData.FromString("first"), "text/plain");
        ETag? second = await blob.UploadIfAbsentAsync(BinaryData.FromString("second"));
        BinaryData? content = await blob.DownloadContentAsync();

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("first", content?.ToString());
    }

    [Fact]
    public async Task UploadIfAbsent_AboveSingleShotLimitOnExistingBlob_ReturnsNullAndKeepsContent()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("big-lock");
        blob.SingleShotLimit = 1024;
        blob.BlockSize = 1024;
        await blob.UploadIfAbsentAsync(BinaryData.FromString("first"));

        ETag? second = await blob.UploadIfAbsentAsync(BinaryData.FromBytes(RandomBytes(3000, seed: 3)));
        BinaryData? content = await blob.DownloadContentAsync();

        Assert.Null(second);
        Assert.Equal("first", content?.ToString());
    }

    [Fact]
    public async Task Upload_IfNoneExistsOnExistingBlob_ThrowsConflict()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("exists");
        await blob.UploadAsync(BinaryData.FromString("v1"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("v2"), new BlobUploadOptions(IfNoneExists: true)));

        Assert.Equal(409, error.Status);
        Assert.Equal("BlobAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task Upload_StaleIfMatch_ThrowsConditionNotMetAndKeepsContent()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("state.json");
        ETag v1 = await blob.UploadAsync(BinaryData.FromString("v1"));
        await blob.UploadAsync(BinaryData.FromString("v2"), new BlobUploadOptions(IfMatch: v1));

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("v3"), new BlobUploadOptions(IfMatch: v1)));
        BinaryData? content = await blob.DownloadContentAsync();

        Assert.Equal(412, error.Status);
        Assert.Equal("ConditionNotMet", error.ErrorCode);
        Assert.Equal("v2", content?.ToString());
    }

    [Fact]
    public async Task Download_ExistingBlob_StreamsContentWithProperties()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("stream.txt");
        ETag etag = await blob.UploadAsync(BinaryData.FromString("streamed"), new BlobUploadOptions(ContentType: "text/plain"));

        await using BlobDownload? download = await blob.DownloadAsync();
        using var reader = new StreamReader(download!.Content);
        string text = await reader.ReadToEndAsync();

        Assert.Equal("streamed", text);
        Assert.Equal(etag, download.Properties.ETag);
        Assert.Equal(8, download.Properties.ContentLength);
        Assert.Equal("text/plain", download.Properties.ContentType);
    }

    [Fact]
    public async Task Reads_MissingBlob_ReturnNull()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("missing");

        BlobDownload? download = await blob.DownloadAsync();
        BinaryData? content = await blob.DownloadContentAsync();
        BlobProperties? properties = await blob.GetPropertiesAsync();

        Assert.Null(download);
        Assert.Null(content);
        Assert.Null(properties);
    }

    [Fact]
    public async Task GetProperties_UploadedWithMetadataAndContentType_ReturnsThem()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("ticket-42.json");
        var metadata = new Dictionary<string, string> { ["owner"] = "ops", ["ticketId"] = "42" };

        ETag etag = await blob.UploadAsync(BinaryData.FromString("{\"id\":42}"), new BlobUploadOptions("application/json", metadata));
        BlobProperties? properties = await blob.GetPropertiesAsync();

        Assert.NotNull(properties);
        Assert.Equal(etag, properties.ETag);
        Assert.Equal(9, properties.ContentLength);
        Assert.Equal("application/json", properties.ContentType);
        Assert.Equal("ops", properties.Metadata["owner"]);
        Assert.Equal("42", properties.Metadata["ticketId"]);
        Assert.Equal(2, properties.Metadata.Count);
        Assert.Equal("available", properties.LeaseState);
        Assert.Null(properties.CopyStatus);
    }

    [Fact]
    public async Task DeleteIfExists_ExistingThenMissing_ReturnsTrueThenFalse()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("doomed");
        await blob.UploadAsync(BinaryData.FromString("x"));

        bool first = await blob.DeleteIfExistsAsync();
        bool second = await blob.DeleteIfExistsAsync();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public async Task DeleteIfExists_StaleETag_ThrowsAndKeepsBlob()
    {
        BlobClient blob = (await CreateContainerAsync()).GetBlobClient("guarded");
        ETag v1 = await blob.UploadAsync(BinaryData.FromString("v1"));
        ETag v2 = await blob.UploadAsync(BinaryData.FromString("v2"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DeleteIfExistsAsync(v1));
        bool deleted = await blob.DeleteIfExistsAsync(v2);

        Assert.Equal(412, error.Status);
        Assert.True(deleted);
    }

    [Fact]
    public async Task CopyFrom_BlobInSameAccount_CopiesContentAndMetadata()
    {
        BlobContainerClient container = await CreateContainerAsync();
        BlobClient source = container.GetBlobClient("source/report.json");
        await source.UploadAsync(
            BinaryData.FromString("{\"ok\":true}"),
            new BlobUploadOptions("application/json", new Dictionary<string, string> { ["kind"] = "report" }));
        BlobClient target = container.GetBlobClient("archive/report.json");

        BlobProperties copied = await target.CopyFromAsync(source.Uri);
        BinaryData? content = await target.DownloadContentAsync();

        Assert.Equal("success", copied.CopyStatus);
        Assert.Equal("{\"ok\":true}", content?.ToString());
        Assert.Equal("application/json", copied.ContentType);
        Assert.Equal("report", copied.Metadata["kind"]);
    }

    [Fact]
    public async Task SetMetadata_ExistingBlob_ReplacesItAndACopyCarriesIt()
    {
        BlobContainerClient container = await CreateContainerAsync();
        BlobClient source = container.GetBlobClient("pkg/a.rpm");
        await source.UploadAsync(BinaryData.FromString("rpm"), new BlobUploadOptions(Metadata: new Dictionary<string, string> { ["old"] = "1" }));

        bool set = await source.SetMetadataAsync(new Dictionary<string, string> { ["sha256"] = "abc" });
        bool missing = await container.GetBlobClient("pkg/none.rpm").SetMetadataAsync(new Dictionary<string, string> { ["sha256"] = "abc" });
        BlobProperties copied = await container.GetBlobClient("copy/a.rpm").CopyFromAsync(source.Uri);

        Assert.True(set);
        Assert.False(missing);
        Assert.Equal("abc", copied.Metadata["sha256"]);
        Assert.False(copied.Metadata.ContainsKey("old"));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    // Get Block List, sent raw so the test checks what the service stored rather than what the client believes.
    private static async Task<IReadOnlyList<(string Name, long Size)>> CommittedBlockSizesAsync(BlobClient blob)
    {
        StorageAccount account = (await Azurite.SharedAsync()).Account();
        HttpPipeline pipeline = account.Pipeline(StorageService.Blob);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(blob.Uri + "?comp=blocklist&blocklisttype=committed"));

        await pipeline.SendAsync(message, default);

        Assert.Equal(200, message.Response.Status);
        XElement root = XDocument.Parse(message.Response.Content.ToString()).Root!;
        return (root.Element("CommittedBlocks")?.Elements("Block") ?? [])
            .Select(b => (b.Element("Name")!.Value, long.Parse(b.Element("Size")!.Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static async Task<BlobContainerClient> CreateContainerAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var container = new BlobContainerClient(azurite.Account(), Azurite.UniqueName("c"));
        await container.CreateIfNotExistsAsync();
        return container;
    }
}
