using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hub.Storage.Blobs;

namespace Hub.Storage.Tests.Blobs;

public sealed class BlobClientExtensionsTests
{
    [Fact]
    public async Task UploadIfAbsent_CalledTwice_SecondReturnsNullAndKeepsFirstContent()
    {
        BlobContainerClient container = await TestBlobs.CreateContainerAsync();
        BlobClient blob = container.GetBlobClient("mail/1.json");

        ETag? first = await blob.UploadIfAbsentAsync(BinaryData.FromString("first"), "application/json");
        ETag? second = await blob.UploadIfAbsentAsync(BinaryData.FromString("second"), "application/json");
        BlobProperties? properties = await blob.GetPropertiesOrDefaultAsync();

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("first", (await blob.DownloadContentOrDefaultAsync())?.ToString());
        Assert.Equal("application/json", properties?.ContentType);
        Assert.Equal(first, properties?.ETag);
    }

    [Fact]
    public async Task UploadIfAbsent_ExistingBlobIsLeased_ReturnsNull()
    {
        BlobContainerClient container = await TestBlobs.CreateContainerAsync();
        BlobClient blob = container.GetBlobClient("lock");
        await blob.UploadAsync(BinaryData.FromString("held"));
        await blob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15));

        ETag? again = await blob.UploadIfAbsentAsync(BinaryData.Empty);

        Assert.Null(again);
        Assert.Equal("held", (await blob.DownloadContentOrDefaultAsync())?.ToString());
    }

    [Fact]
    public async Task Reads_MissingBlobOrContainer_ReturnNullOrFalse()
    {
        BlobContainerClient container = await TestBlobs.CreateContainerAsync();
        BlobClient missing = container.GetBlobClient("nothing");
        BlobClient noContainer = container.GetParentBlobServiceClient().GetBlobContainerClient(Hub.Testing.Azurite.UniqueName("c")).GetBlobClient("x");

        BinaryData? content = await missing.DownloadContentOrDefaultAsync();
        BlobDownloadStreamingResult? stream = await missing.DownloadStreamingOrDefaultAsync();
        BlobProperties? properties = await missing.GetPropertiesOrDefaultAsync();
        bool metadataSet = await missing.SetMetadataIfExistsAsync(new Dictionary<string, string> { ["a"] = "b" });
        BinaryData? inMissingContainer = await noContainer.DownloadContentOrDefaultAsync();

        Assert.Null(content);
        Assert.Null(stream);
        Assert.Null(properties);
        Assert.False(metadataSet);
        Assert.Null(inMissingContainer);
    }

    [Fact]
    public async Task Upload_NonSeekableStreamOver4MiB_IsCommittedAsTwoBlocksWithTheSameContent()
    {
        BlobContainerClient container = await TestBlobs.CreateContainerAsync();
        BlobClient blob = container.GetBlobClient("big.bin");
        byte[] data = new byte[(5 * 1024 * 1024) + 17];
        new Random(42).NextBytes(data);

        await blob.UploadAsync(new NonSeekableStream(data), "application/octet-stream");
        BlockList blocks = (await container.GetBlockBlobClient("big.bin").GetBlockListAsync()).Value;
        BinaryData? stored = await blob.DownloadContentOrDefaultAsync();

        // 4 MiB, then the remaining 1 MiB + 17 bytes.
        Assert.Equal([4194304L, 1048593L], blocks.CommittedBlocks.Select(b => b.SizeLong));
        Assert.Equal(data, stored!.ToArray());
    }

    [Fact]
    public async Task CopyFrom_BlobInSameAccount_CopiesContentAndMetadata()
    {
        BlobContainerClient container = await TestBlobs.CreateContainerAsync();
        BlobClient source = container.GetBlobClient("unverified/pkg.tar");
        await source.UploadAsync(BinaryData.FromString("package"), "application/octet-stream", new Dictionary<string, string> { ["sha256"] = "abc" });
        BlobClient target = container.GetBlobClient("production/pkg.tar");

        BlobProperties copied = await target.CopyFromAsync(source.Uri);

        Assert.Equal(CopyStatus.Success, copied.CopyStatus);
        Assert.Equal("abc", copied.Metadata["sha256"]);
        Assert.Equal("package", (await target.DownloadContentOrDefaultAsync())?.ToString());
    }

    [Fact]
    public async Task CopyFrom_MissingSource_Throws404()
    {
        BlobContainerClient container = await TestBlobs.CreateContainerAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => container.GetBlobClient("to").CopyFromAsync(container.GetBlobClient("missing").Uri));

        Assert.Equal(404, error.Status);
        Assert.Null(await container.GetBlobClient("to").GetPropertiesOrDefaultAsync());
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
