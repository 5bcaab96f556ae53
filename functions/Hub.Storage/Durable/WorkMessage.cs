namespace Hub.Storage.Durable;

/// <summary>
/// A message on the <c>hub-work</c> queue: a command for an aggregate, or a durable timer. Large payloads travel as a
/// blob reference (<see cref="PayloadBlob"/>) so the encoded message stays within the queue's 64 KiB.
/// </summary>
public sealed record WorkMessage(
    string Id,
    string Kind,
    string AggregateKind,
    string AggregateId,
    string? Payload = null,
    string? PayloadBlob = null,
    string Actor = "system",
    WorkTimer? Timer = null)
{
    public const string CommandKind = "command";
    public const string TimerKind = "timer";
}

/// <summary>The timer a <see cref="WorkMessage.TimerKind"/> message carries; the token must still be live when it fires.</summary>
public sealed record WorkTimer(string Name, string Token, DateTimeOffset DueAt);
