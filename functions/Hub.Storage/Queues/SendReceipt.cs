namespace Hub.Storage.Queues;

/// <summary>What the service answers to Put Message: the id and pop receipt of the new message and its times.</summary>
public sealed record SendReceipt(string MessageId, string PopReceipt, DateTimeOffset InsertedOn, DateTimeOffset ExpiresOn, DateTimeOffset NextVisibleOn);
