namespace Hub.Functions.Security;

/// <summary>A webhook read within its limit and verified, or the problem to answer instead (413, or 401 without detail).</summary>
public sealed record WebhookReceipt(ReadOnlyMemory<byte> Body, string? DeliveryId, IResult? Refusal)
{
    public bool IsAccepted => Refusal is null;
}
