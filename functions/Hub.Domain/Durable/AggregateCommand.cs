using System.Text.Json;

namespace Hub.Domain.Durable;

/// <summary>
/// A side effect that commands another aggregate (an alert opening its ticket, a ticket asking for its internal copy).
/// The runtime delivers it with the outbox row's idempotency key as the message id, so it applies exactly once.
/// </summary>
public sealed record AggregateCommand(string Kind, string Id, string Command, string Actor)
{
    public const string EffectKind = "aggregate.command";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SideEffect Effect<TCommand>(string aggregateKind, string aggregateId, TCommand command, string actor) =>
        new(EffectKind, JsonSerializer.Serialize(new AggregateCommand(aggregateKind, aggregateId, JsonSerializer.Serialize(command, Json), actor), Json));

    public static AggregateCommand Parse(string payload) =>
        JsonSerializer.Deserialize<AggregateCommand>(payload, Json) ?? throw new FormatException("The aggregate command payload is null.");
}
