using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Azure.Storage.Queues.Specialized;

namespace Hub.Storage.Queues;

/// <summary>
/// A received message that is not base64 (another tool wrote plain text) cannot be decoded by the SDK, which would
/// otherwise fail the whole receive with a <see cref="FormatException"/> every time the message shows. It is moved
/// instead to <c>&lt;queue&gt;-poison</c> with its text as it was (send, then delete), where the hub's poison handling
/// records it for an operator. A peeked message is left where it is.
/// </summary>
internal static class UndecodableMessages
{
    public const string PoisonSuffix = "-poison";

    public static async Task MoveToPoisonAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message || args.Queue.Name.EndsWith(PoisonSuffix, StringComparison.Ordinal))
        {
            // A poison queue has nowhere further to go: the message stays, and is skipped by this receive.
            return;
        }

        QueueClient poison = args.Queue.GetParentQueueServiceClient().GetQueueClient(args.Queue.Name + PoisonSuffix);
        if (args.IsRunningSynchronously)
        {
            poison.CreateIfNotExists(cancellationToken: args.CancellationToken);
            poison.SendMessage(message.Body, timeToLive: QueueClientExtensions.NeverExpires, cancellationToken: args.CancellationToken);
            args.Queue.DeleteMessage(message.MessageId, message.PopReceipt, args.CancellationToken);
            return;
        }

        await poison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Body, timeToLive: QueueClientExtensions.NeverExpires, cancellationToken: args.CancellationToken).ConfigureAwait(false);
        await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken).ConfigureAwait(false);
    }
}
