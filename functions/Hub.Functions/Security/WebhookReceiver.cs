using Hub.Domain.Configuration;

namespace Hub.Functions.Security;

public static class WebhookReceiver
{
    /// <summary>
    /// The order every hook route follows: read the raw body within <paramref name="limit"/>, verify it against
    /// <paramref name="source"/>, and only then let the caller parse it.
    /// </summary>
    public static async Task<WebhookReceipt> ReceiveAsync(this WebhookVerifier verifier, HttpRequest request, WebhookSource source, long limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(request);
        BodyReadResult body = await RequestBody.ReadAsync(request, limit, ct);
        if (body.IsTooLarge)
        {
            return new WebhookReceipt(ReadOnlyMemory<byte>.Empty, null, body.ToProblem());
        }

        VerifyResult verified = verifier.Verify(source, request.Headers, body.Body.Span);
        return verified.IsVerified
            ? new WebhookReceipt(body.Body, verified.DeliveryId, null)
            : new WebhookReceipt(ReadOnlyMemory<byte>.Empty, null, WebhookVerifier.Unauthorized());
    }
}
