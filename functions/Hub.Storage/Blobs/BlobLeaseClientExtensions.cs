using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Hub.Storage.Blobs;

/// <summary>
/// Leases as the timer singleton uses them: losing a race or a lease is a value, not an exception.
/// https://learn.microsoft.com/rest/api/storageservices/lease-blob
/// </summary>
public static class BlobLeaseClientExtensions
{
    /// <summary>
    /// Acquires the lease for <paramref name="duration"/> (15-60 s, or <see cref="BlobLeaseClient.InfiniteLeaseDuration"/>).
    /// False when another lease id holds it (409 LeaseAlreadyPresent); acquiring again with the same id succeeds. The
    /// blob must exist (404 throws).
    /// </summary>
    public static async Task<bool> TryAcquireAsync(this BlobLeaseClient lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            await lease.AcquireAsync(duration, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.LeaseAlreadyPresent)
        {
            return false;
        }
    }

    /// <summary>
    /// Renews the lease for its original duration. False when it was lost: another id holds it, it was broken, or (404)
    /// the blob itself is gone.
    /// </summary>
    public static async Task<bool> TryRenewAsync(this BlobLeaseClient lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            await lease.RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Releases the lease so another id can acquire it at once. A lease that already expired, was released, or has since
    /// been taken by another id is not ours to release: that is not an error.
    /// </summary>
    public static async Task ReleaseIfHeldAsync(this BlobLeaseClient lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            await lease.ReleaseAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409
            && (ex.ErrorCode == BlobErrorCode.LeaseNotPresentWithLeaseOperation || ex.ErrorCode == BlobErrorCode.LeaseIdMismatchWithLeaseOperation))
        {
            // Not ours any more: nothing to release.
        }
    }
}
