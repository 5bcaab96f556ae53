namespace Hub.Storage.Queues;

/// <summary>A message seen without dequeuing it: no pop receipt, its visibility unchanged.</summary>
public sealed record PeekedMessage(string MessageId, string Text, long DequeueCount, DateTimeOffset InsertedOn, DateTimeOffset ExpiresOn);
