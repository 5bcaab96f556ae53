using Hub.Domain.Intake.Alerts;

namespace Hub.Functions.Intake.Alerts;

/// <summary>A verified, parsed alert delivery as it travels on the work queue.</summary>
public sealed record AlertDelivery(string Format, DateTimeOffset ReceivedAt, IReadOnlyList<NormalizedAlert> Alerts)
{
    /// <summary>The delivery record to decide (null on a message queued before records existed).</summary>
    public string? DeliveryId { get; init; }

    /// <summary>Which receipt of the delivery this is (1 for the first): a note on a ticket is made once per receipt.</summary>
    public int Receipt { get; init; } = 1;
}
