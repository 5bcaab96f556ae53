namespace Hub.Storage.Queues;

/// <summary>A received message; <see cref="PopReceipt"/> is needed to delete it or change its visibility.</summary>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    string Text,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn);
