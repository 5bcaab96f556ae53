using Azure.Storage.Queues;

namespace Hub.Standalone.Queues;

/// <summary>
/// A received message that is not base64 (another tool wrote plain text) cannot be decoded by the SDK, which would
/// otherwise fail the listener's whole receive every time the message shows. It is moved to <c>&lt;queue&gt;-poison</c>
/// with its text as it was (send, then delete), as the Functions host would poison a message it cannot bind. A
/// poison queue's own undecodable message stays where it is.
/// </summary>
internal static class UndecodableMessages
{
    public static async Task MoveToPoisonAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message || args.Queue.Name.EndsWith("-poison", StringComparison.Ordinal))
        {
            return;
        }

        QueueClient poison = Azure.Storage.Queues.Specialized.SpecializedQueueExtensions.GetParentQueueServiceClient(args.Queue)
            .GetQueueClient(args.Queue.Name + "-poison");
        await poison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Body, cancellationToken: args.CancellationToken).ConfigureAwait(false);
        await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken).ConfigureAwait(false);
    }
}
