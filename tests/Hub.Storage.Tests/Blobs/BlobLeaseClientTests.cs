using Azure;
using Hub.Storage.Blobs;
using Hub.Testing;

namespace Hub.Storage.Tests.Blobs;

public sealed class BlobLeaseClientTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TryAcquire_HeldByAnotherLeaseId_ReturnsFalse()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient first = blob.GetLeaseClient();
        BlobLeaseClient second = blob.GetLeaseClient();

        bool firstAcquired = await first.TryAcquireAsync(Duration);
        bool secondAcquired = await second.TryAcquireAsync(Duration);
        BlobProperties? properties = await blob.GetPropertiesAsync();

        Assert.True(firstAcquired);
        Assert.False(secondAcquired);
        Assert.Equal("leased", properties?.LeaseState);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
    }

    [Fact]
    public async Task Renew_HeldLease_ReturnsTrue()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient lease = blob.GetLeaseClient();
        await lease.TryAcquireAsync(Duration);

        bool renewed = await lease.RenewAsync();

        Assert.True(renewed);
    }

    [Fact]
    public async Task Renew_LeaseTakenOverAfterRelease_ReturnsFalse()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient first = blob.GetLeaseClient();
        BlobLeaseClient second = blob.GetLeaseClient();
        await first.TryAcquireAsync(Duration);
        await first.ReleaseAsync();
        await second.TryAcquireAsync(Duration);

        bool renewed = await first.RenewAsync();

        Assert.False(renewed);
    }

    [Fact]
    public async Task Release_HeldLease_LetsAnotherLeaseIdAcquire()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient first = blob.GetLeaseClient();
        BlobLeaseClient second = blob.GetLeaseClient();
        await first.TryAcquireAsync(Timeout.InfiniteTimeSpan);

        await first.ReleaseAsync();
        bool acquired = await second.TryAcquireAsync(Duration);

        Assert.True(acquired);
    }

    [Fact]
    public async Task Release_AlreadyReleasedOrTakenOver_DoesNotThrow()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient first = blob.GetLeaseClient();
        BlobLeaseClient second = blob.GetLeaseClient();
        await first.TryAcquireAsync(Duration);
        await first.ReleaseAsync();

        await first.ReleaseAsync();
        await second.TryAcquireAsync(Duration);
        await first.ReleaseAsync();
        bool secondStillHolds = await second.RenewAsync();

        Assert.True(secondStillHolds);
    }

    [Fact]
    public async Task GetLeaseClient_KnownLeaseId_KeepsIt()
    {
        BlobClient blob = await CreateBlobAsync();
        string leaseId = Guid.NewGuid().ToString();

        BlobLeaseClient lease = blob.GetLeaseClient(leaseId);
        bool acquired = await lease.TryAcquireAsync(Duration);

        Assert.Equal(leaseId, lease.LeaseId);
        Assert.True(acquired);
    }

    [Fact]
    public async Task TryAcquire_DurationOutsideRange_ThrowsArgumentOutOfRange()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient lease = blob.GetLeaseClient();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lease.TryAcquireAsync(TimeSpan.FromSeconds(14)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lease.TryAcquireAsync(TimeSpan.FromSeconds(61)));
    }

    [Fact]
    public async Task Upload_WhileLeased_RequiresTheLeaseId()
    {
        BlobClient blob = await CreateBlobAsync();
        BlobLeaseClient lease = blob.GetLeaseClient();
        await lease.TryAcquireAsync(Duration);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("intruder")));
        await blob.UploadAsync(BinaryData.FromString("holder"), new BlobUploadOptions(LeaseId: lease.LeaseId));
        BinaryData? content = await blob.DownloadContentAsync();

        Assert.Equal(412, error.Status);
        Assert.Equal("LeaseIdMissing", error.ErrorCode);
        Assert.Equal("holder", content?.ToString());
    }

    private static async Task<BlobClient> CreateBlobAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var container = new BlobContainerClient(azurite.Account(), Azurite.UniqueName("c"));
        await container.CreateIfNotExistsAsync();
        BlobClient blob = container.GetBlobClient("lock");
        await blob.UploadAsync(BinaryData.Empty);
        return blob;
    }
}
