using Azure;
using Azure.Storage.Queues;

namespace Hub.Storage.Queues;

/// <summary>The hub's result-as-value idioms on <see cref="QueueClient"/>.</summary>
public static class QueueClientExtensions
{
    /// <summary>A time to live that never expires (messagettl=-1); <see cref="Timeout.InfiniteTimeSpan"/> would round to 0.</summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>
    /// Deletes a received message. False when it is already gone or <paramref name="popReceipt"/> is stale, i.e. the
    /// message became visible again and someone else received it. The REST reference documents 404 MessageNotFound for
    /// a pop receipt that is no longer valid (https://learn.microsoft.com/rest/api/storageservices/delete-message2);
    /// Azurite 3.35 answers 400 PopReceiptMismatch instead. Both mean the same to the caller.
    /// </summary>
    public static async Task<bool> TryDeleteMessageAsync(this QueueClient queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        try
        {
            await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch"))
        {
            return false;
        }
    }

    /// <summary>
    /// The approximate message count of Get Queue Properties: at least the number of visible messages. A queue that does
    /// not exist (not created yet: the hub creates its queues on first use) holds none.
    /// </summary>
    public static async Task<int> GetApproximateMessageCountAsync(this QueueClient queue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        try
        {
            return (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }
}
