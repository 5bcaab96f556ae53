using System.Security.Cryptography;
using Hub.Domain.Intake.Tickets;

namespace Hub.Functions.Intake.Tickets;

/// <summary>
/// The id that makes a redelivered ticket-system event a no-op: the sender's <c>X-Delivery-Id</c>, else the Standard
/// Webhooks <c>webhook-id</c>, else the body's <c>deliveryId</c>, else the SHA-256 of the exact body bytes.
/// </summary>
public static class DeliveryIds
{
    public const string Header = "X-Delivery-Id";

    /// <summary>The delivery id, or null when the header is unusable (too long, or blank).</summary>
    public static string? Choose(HttpRequest request, string? webhookId, TicketHook hook, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(hook);
        if (request.Headers.TryGetValue(Header, out var values))
        {
            string header = values.ToString().Trim();
            return header.Length is 0 or > TicketHookParser.MaxDeliveryIdLength || header.Any(char.IsControl) ? null : $"header:{header}";
        }

        return webhookId is { Length: > 0 } ? $"webhook-id:{webhookId}"
            : hook.DeliveryId is { Length: > 0 } ? $"body:{hook.DeliveryId}"
            : $"sha256:{Convert.ToHexStringLower(SHA256.HashData(body))}";
    }
}
