namespace Hub.Storage.Durable;

/// <summary>
/// A message on the <c>hub-work</c> queue: a command for an aggregate, or the effects of a commit (the payload is its
/// sequence) to run after it. Large payloads travel as a
/// blob reference (<see cref="PayloadBlob"/>) so the encoded message stays within the queue's 64 KiB.
/// </summary>
public sealed record WorkMessage(
    string Id,
    string Kind,
    string AggregateKind,
    string AggregateId,
    string? Payload = null,
    string? PayloadBlob = null,
    string Actor = "system")
{
    public const string CommandKind = "command";
    public const string EffectsKind = "effects";
}
