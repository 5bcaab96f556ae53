using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Storage.Account;
using Hub.Storage.Blobs;

namespace Hub.Functions.Housekeeping;

/// <summary>Heartbeats live in <c>hub-status/heartbeat/&lt;instanceId&gt;.json</c>, one blob per instance.</summary>
public sealed class HeartbeatStore
{
    public const string Container = "hub-status";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string BlobName(string instanceId) => $"heartbeat/{instanceId}.json";

    public async Task WriteAsync(StorageAccount account, Heartbeat heartbeat, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var container = account.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        await container.GetBlobClient(BlobName(heartbeat.InstanceId))
            .UploadAsync(BinaryData.FromObjectAsJson(heartbeat, Json), "application/json", cancellationToken: ct);
    }

    public async Task<Heartbeat?> ReadAsync(StorageAccount account, string instanceId, CancellationToken ct)
    {
        // A missing container or blob is an ordinary "no heartbeat yet".
        BinaryData? content = await account.GetBlobContainerClient(Container).GetBlobClient(BlobName(instanceId)).DownloadContentOrDefaultAsync(ct);
        return content?.ToObjectFromJson<Heartbeat>(Json);
    }
}
