using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Hub.Storage.Blobs;

/// <summary>
/// A lease on one blob, identified by <see cref="LeaseId"/>: the primitive behind singletons across hub instances.
/// https://learn.microsoft.com/rest/api/storageservices/lease-blob
/// </summary>
public sealed class BlobLeaseClient
{
    private static readonly TimeSpan MinDuration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(60);

    private readonly HttpPipeline _pipeline;
    private readonly Uri _blobUri;

    internal BlobLeaseClient(HttpPipeline pipeline, Uri blobUri, string leaseId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(leaseId);
        _pipeline = pipeline;
        _blobUri = blobUri;
        LeaseId = leaseId;
    }

    public string LeaseId { get; }

    /// <summary>
    /// Acquires the lease for <paramref name="duration"/> (15-60 s, or <see cref="Timeout.InfiniteTimeSpan"/>).
    /// False when another lease id holds it (409 LeaseAlreadyPresent); acquiring again with the same id succeeds.
    /// The blob must exist (404 throws).
    /// </summary>
    public async Task<bool> TryAcquireAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (duration != Timeout.InfiniteTimeSpan && (duration < MinDuration || duration > MaxDuration || duration.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease lasts 15 to 60 whole seconds, or Timeout.InfiniteTimeSpan.");
        }

        using HttpMessage message = CreateLeaseMessage("acquire");
        string seconds = duration == Timeout.InfiniteTimeSpan ? "-1" : ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        message.Request.Headers.SetValue("x-ms-lease-duration", seconds);
        message.Request.Headers.SetValue("x-ms-proposed-lease-id", LeaseId);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            201 => true,
            409 when BlobRest.ErrorCode(message.Response) == "LeaseAlreadyPresent" => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Renews the lease for its original duration. False when it was lost: another id holds it, it was broken, or
    /// (404) the blob itself is gone.
    /// </summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateLeaseMessage("renew");
        message.Request.Headers.SetValue("x-ms-lease-id", LeaseId);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            200 => true,
            404 or 409 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Releases the lease so another id can acquire it at once. A lease that already expired, was released, or has
    /// since been taken by another id is not ours to release: that is not an error.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateLeaseMessage("release");
        message.Request.Headers.SetValue("x-ms-lease-id", LeaseId);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        switch (message.Response.Status)
        {
            case 200:
                return;
            case 409 when BlobRest.ErrorCode(message.Response) is "LeaseNotPresentWithLeaseOperation" or "LeaseIdMismatchWithLeaseOperation":
                return;
            default:
                throw new RequestFailedException(message.Response);
        }
    }

    private HttpMessage CreateLeaseMessage(string action)
    {
        HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Put, _blobUri);
        message.Request.Uri.AppendQuery("comp", "lease");
        message.Request.Headers.SetValue("x-ms-lease-action", action);
        return message;
    }
}
