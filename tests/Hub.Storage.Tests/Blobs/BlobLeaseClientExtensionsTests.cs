using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Hub.Storage.Blobs;

namespace Hub.Storage.Tests.Blobs;

public sealed class BlobLeaseClientExtensionsTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TryAcquire_HeldByAnotherLeaseId_ReturnsFalse()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient first = blob.GetBlobLeaseClient();
        BlobLeaseClient second = blob.GetBlobLeaseClient();

        bool firstAcquired = await first.TryAcquireAsync(Duration);
        bool secondAcquired = await second.TryAcquireAsync(Duration);
        bool firstAgain = await first.TryAcquireAsync(Duration);

        Assert.True(firstAcquired);
        Assert.False(secondAcquired);
        Assert.True(firstAgain);
    }

    [Fact]
    public async Task TryRenew_HeldLease_ReturnsTrue()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient lease = blob.GetBlobLeaseClient();
        await lease.TryAcquireAsync(Duration);

        bool renewed = await lease.TryRenewAsync();

        Assert.True(renewed);
    }

    [Fact]
    public async Task TryRenew_LeaseTakenOverAfterRelease_ReturnsFalse()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient first = blob.GetBlobLeaseClient();
        await first.TryAcquireAsync(Duration);
        await first.ReleaseIfHeldAsync();
        await blob.GetBlobLeaseClient().TryAcquireAsync(Duration);

        bool renewed = await first.TryRenewAsync();

        Assert.False(renewed);
    }

    [Fact]
    public async Task ReleaseIfHeld_AlreadyReleasedOrTakenOver_DoesNotThrow()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient first = blob.GetBlobLeaseClient();
        BlobLeaseClient second = blob.GetBlobLeaseClient();
        await first.TryAcquireAsync(Duration);
        await first.ReleaseIfHeldAsync();

        await first.ReleaseIfHeldAsync();
        bool secondAcquired = await second.TryAcquireAsync(Duration);
        await first.ReleaseIfHeldAsync();
        bool secondStillHolds = await second.TryRenewAsync();

        Assert.True(secondAcquired);
        Assert.True(secondStillHolds);
    }

    private static async Task<BlobClient> CreateBlobAsync()
    {
        BlobClient blob = (await TestBlobs.CreateContainerAsync()).GetBlobClient("lock");
        await blob.UploadAsync(BinaryData.Empty);
        return blob;
    }
}
