using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Storage.Blobs;

namespace Hub.Functions.Triggers.Timer;

/// <summary>
/// Reads and conditionally writes <c>hub-locks/&lt;hostId&gt;/&lt;function&gt;.status</c>. Whoever fires an
/// occurrence first records it with If-Match (If-None-Match for the first write); a writer that loses the race knows
/// another instance owns that occurrence. This is what keeps a lease handoff from firing an occurrence twice.
/// </summary>
public sealed class ScheduleStatusBlob(BlobClient blob)
{
    public async Task<(ScheduleStatus? Status, ETag? ETag)> ReadAsync(CancellationToken ct)
    {
        // One GET gives the content and the ETag of that same version.
        using BlobDownloadStreamingResult? download = await blob.DownloadStreamingOrDefaultAsync(ct);
        if (download is null)
        {
            return (null, null);
        }

        try
        {
            return (await JsonSerializer.DeserializeAsync<ScheduleStatus>(download.Content, cancellationToken: ct), download.Details.ETag);
        }
        catch (JsonException)
        {
            // An unreadable status is replaced (still guarded by its ETag) rather than blocking the timer forever.
            return (null, download.Details.ETag);
        }
    }

    public async Task<bool> TryWriteAsync(ScheduleStatus status, ETag? ifMatch, CancellationToken ct)
    {
        BinaryData content = BinaryData.FromObjectAsJson(status);
        if (ifMatch is null)
        {
            return await blob.UploadIfAbsentAsync(content, "application/json", ct) is not null;
        }

        try
        {
            await blob.UploadAsync(
                content,
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Conditions = new BlobRequestConditions { IfMatch = ifMatch },
                },
                ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 409)
        {
            return false;
        }
    }
}
