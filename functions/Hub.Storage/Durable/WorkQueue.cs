using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hub.Storage.Blobs;
using Hub.Storage.Queues;

namespace Hub.Storage.Durable;

/// <summary>
/// The <c>hub-work</c> queue: commands for aggregates and the effects of commits. Delivery is at least once; the
/// aggregate inbox and the outbox rows make it effectively once.
/// </summary>
public sealed class WorkQueue(QueueClient queue, BlobContainerClient spill)
{
    public const string QueueName = "hub-work";
    public const string PoisonQueueName = "hub-work-poison";

    // A queue message holds 64 KiB of base64, which is 48 KiB of UTF-8. The check is on the serialized message, since
    // JSON escaping of the payload (quotes become \u0022) can double its size.
    internal const int MaxInlineMessageBytes = 48 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public QueueClient Queue => queue;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await spill.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task SendAsync(WorkMessage message, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        string text = Serialize(message);
        if (message.Payload is not null && Encoding.UTF8.GetByteCount(text) > MaxInlineMessageBytes)
        {
            string blobName = $"work/{message.Id}";
            await spill.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(message.Payload), "application/json", cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            text = Serialize(message with { Payload = null, PayloadBlob = blobName });
        }

        // Never expires: a command or a commit's effects must wait out any backlog or outage, never vanish.
        await queue.SendMessageAsync(text, delay, QueueClientExtensions.NeverExpires, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> ReadPayloadAsync(WorkMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.PayloadBlob is null)
        {
            return message.Payload;
        }

        BinaryData data = await spill.GetBlobClient(message.PayloadBlob).DownloadContentOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Work message {message.Id} refers to payload blob {message.PayloadBlob}, which is missing.");
        return data.ToString();
    }

    public static string Serialize(WorkMessage message) => JsonSerializer.Serialize(message, Json);

    /// <summary>Parses a queue message; a message that is not a work message is an error that names what is wrong.</summary>
    public static WorkMessage Parse(string text)
    {
        WorkMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<WorkMessage>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Work message is not valid JSON: {ex.Message}", ex);
        }

        if (message is null || string.IsNullOrEmpty(message.Id) || string.IsNullOrEmpty(message.Kind)
            || string.IsNullOrEmpty(message.AggregateKind) || string.IsNullOrEmpty(message.AggregateId))
        {
            throw new FormatException("Work message must have id, kind, aggregateKind and aggregateId.");
        }

        return message;
    }
}
