using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Domain.Durable;

/// <summary>
/// A side effect that commands another aggregate (an alert opening its ticket, a ticket asking for its internal copy).
/// The runtime delivers it with the outbox row's idempotency key as the message id, so it applies exactly once.
/// </summary>
public sealed record AggregateCommand(string Kind, string Id, string Command, string Actor)
{
    public const string EffectKind = "aggregate.command";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The command is expected to create the aggregate (a ticket under a number reserved for it): the runtime tries the
    /// commit before reading, and falls back to reading when the aggregate exists after all (a retried row).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Creates { get; init; }

    /// <summary>
    /// The webhook delivery this command carries out (its delivery record's id), so the runtime reports the command's
    /// outcome on that record; null for a command no delivery is waiting on.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Delivery { get; init; }

    public static SideEffect Effect<TCommand>(string aggregateKind, string aggregateId, TCommand command, string actor) =>
        new(EffectKind, JsonSerializer.Serialize(new AggregateCommand(aggregateKind, aggregateId, JsonSerializer.Serialize(command, Json), actor), Json));

    /// <summary>Like <see cref="Effect{TCommand}"/>, for a command that creates the aggregate it names.</summary>
    public static SideEffect Create<TCommand>(string aggregateKind, string aggregateId, TCommand command, string actor) =>
        new(EffectKind, JsonSerializer.Serialize(
            new AggregateCommand(aggregateKind, aggregateId, JsonSerializer.Serialize(command, Json), actor) { Creates = true }, Json));

    /// <summary>The same effect, tagged with the delivery it carries out (<see cref="Delivery"/>); other effects as they are.</summary>
    public static SideEffect ForDelivery(SideEffect effect, string? delivery)
    {
        ArgumentNullException.ThrowIfNull(effect);
        return delivery is null || effect.Kind != EffectKind
            ? effect
            : effect with { Payload = JsonSerializer.Serialize(Parse(effect.Payload) with { Delivery = delivery }, Json) };
    }

    public static AggregateCommand Parse(string payload) =>
        JsonSerializer.Deserialize<AggregateCommand>(payload, Json) ?? throw new FormatException("The aggregate command payload is null.");
}
