using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hub.Storage.Blobs;
using Hub.Storage.Queues;

namespace Hub.Storage.Durable;

/// <summary>
/// The <c>hub-work</c> queue. Delivery is at least once; the aggregate inbox makes it effectively once. Timers are
/// messages that never expire and stay invisible until due, at most <see cref="MaxTimerDelay"/> at a time: a longer
/// wait is re-enqueued for the remainder when the message surfaces.
/// </summary>
public sealed class WorkQueue(QueueClient queue, BlobContainerClient spill, TimeProvider clock)
{
    public const string QueueName = "hub-work";
    public const string PoisonQueueName = "hub-work-poison";

    /// <summary>The queue allows 7 days of invisibility; stay a day short of it.</summary>
    public static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(6);

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

        TimeSpan? ttl = message.Timer is null ? null : QueueClientExtensions.NeverExpires;
        await queue.SendMessageAsync(text, delay, ttl, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a timer message invisible until it is due, or for <see cref="MaxTimerDelay"/> if that is sooner.</summary>
    public Task ScheduleTimerAsync(WorkMessage timerMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timerMessage?.Timer);
        return SendAsync(timerMessage, TimerDelay(timerMessage.Timer.DueAt), cancellationToken);
    }

    public TimeSpan TimerDelay(DateTimeOffset dueAt)
    {
        // Whole seconds, rounded down: the queue counts visibility in seconds, and a message that surfaces up to a
        // second early waits in process until due, where rounding up would make every timer up to a second late.
        TimeSpan remaining = dueAt - clock.GetUtcNow();
        return remaining <= TimeSpan.Zero ? TimeSpan.Zero
            : remaining > MaxTimerDelay ? MaxTimerDelay
            : TimeSpan.FromSeconds(Math.Floor(remaining.TotalSeconds));
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

        if (message.Kind == WorkMessage.TimerKind && message.Timer is null)
        {
            throw new FormatException("A timer work message must have a timer.");
        }

        return message;
    }
}
