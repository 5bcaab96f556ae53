namespace Hub.Functions.Security;

/// <summary>
/// The outcome of checking a webhook's credentials. <see cref="Reason"/> is for the log only: the caller is answered
/// with a bare 401 so an attacker never learns which check failed.
/// </summary>
/// <param name="DeliveryId">The sender's delivery id (Standard Webhooks <c>webhook-id</c>) for duplicate suppression; null for schemes without one.</param>
public readonly record struct VerifyResult(bool IsVerified, string? DeliveryId, string? Reason)
{
    public static VerifyResult Verified(string? deliveryId) => new(true, deliveryId, null);

    public static VerifyResult Failed(string reason) => new(false, null, reason);
}
