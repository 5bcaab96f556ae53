using System.Text.Json.Serialization;

namespace Hub.Functions.Intake.Deliveries;

/// <summary>What became of one webhook delivery, as <c>GET /api/hooks/deliveries/{deliveryId}</c> answers it (docs/api.md).</summary>
/// <param name="Id">The hub's id for the delivery: the source's name and a digest of the key the source's deliveries are deduplicated by.</param>
/// <param name="Key">That key, as the intake built it from the source's own id (docs/ticket-systems.md).</param>
/// <param name="Target">What the delivery is about (an external ticket).</param>
/// <param name="State">received, applied, refused or duplicate: the outcome of the latest receipt.</param>
/// <param name="Reason">Why a delivery was refused or changed nothing; null when applied.</param>
/// <param name="Tickets">The local tickets the delivery concerns.</param>
/// <param name="Changes">What changed, one line per command (<c>ticket 22: StatusChanged</c>).</param>
/// <param name="Receipts">How many times the source sent it.</param>
public sealed record DeliveryRecord(
    string Id,
    string Source,
    string Key,
    string Target,
    string State,
    string? Reason,
    IReadOnlyList<long> Tickets,
    IReadOnlyList<string> Changes,
    DateTimeOffset ReceivedAt,
    DateTimeOffset LastReceivedAt,
    int Receipts,
    DateTimeOffset? DecidedAt,
    IReadOnlyList<DeliveryStep> History)
{
    public const string Received = "received";
    public const string Applied = "applied";
    public const string Refused = "refused";
    public const string Duplicate = "duplicate";
}

/// <summary>One state the record went through, oldest first.</summary>
public sealed record DeliveryStep(DateTimeOffset At, string State, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>What one command a delivery sent on did (kept until every command of the delivery has reported).</summary>
public sealed record DeliveryReport(string Effect, string Target, string Status, string? Reason, IReadOnlyList<string> Changes);
