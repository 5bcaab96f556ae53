using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Connectors;
using Hub.Domain.Security;
using Hub.Functions.Security;

namespace Hub.Functions.Connectors;

/// <summary>
/// A generic signed JSON webhook: one POST per call of <c>{"type": "ticket.create" | "ticket.update" |
/// "ticket.comment", "callId", "externalId", "queue", "subject", "text", "status", "customFields", "linkBackUrl"}</c>,
/// signed per Standard Webhooks with <c>webhook-id</c> = the call id, the same on every retry, so the receiver can
/// drop repeats. A create must be answered with <c>{"id": "..."}</c>, the receiver's ticket id.
/// </summary>
internal sealed class WebhookConnector(ConnectorDefinition definition, ConnectorHttp http, Func<string?> secret, TimeProvider clock) : ITicketSystemConnector
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public string Name => definition.Name;

    public Task<string> SendAsync(ConnectorCall call, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var payload = new WebhookEvent(
            "ticket." + call.Operation, callId, call.ExternalId, call.Queue, call.Subject, call.Text, call.Status, call.CustomFields, call.LinkBackUrl);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(payload, Json);
        return http.RunAsync(async ct =>
        {
            if (secret() is not { Length: > 0 } value || !StandardWebhooks.TryDecodeSecret(value, out byte[] key))
            {
                throw new ConnectorException($"{Name}: the setting {definition.SecretSetting} is missing or not a Standard Webhooks secret (whsec_ then base64)", transient: true);
            }

            // A fresh timestamp per attempt: the receiver's replay window must not turn a late retry away.
            string timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            string signature = StandardWebhooks.SignaturePrefix + Convert.ToBase64String(StandardWebhooks.Sign(key, callId, timestamp, body));
            BinaryData answer = await http.SendAsync(
                HttpMethod.Post,
                http.Url,
                [(WebhookVerifier.IdHeader, callId), (WebhookVerifier.TimestampHeader, timestamp), (WebhookVerifier.SignatureHeader, signature)],
                new BinaryData(body),
                ct);
            return call.Operation == ConnectorCall.Create
                ? ConnectorHttp.IdOf(answer) ?? throw new ConnectorException($"{Name}: the receiver answered the create without an id", transient: false)
                : call.ExternalId!;
        }, cancellationToken);
    }

    private sealed record WebhookEvent(
        string Type,
        string CallId,
        string? ExternalId,
        string? Queue,
        string? Subject,
        string? Text,
        string? Status,
        IReadOnlyDictionary<string, string>? CustomFields,
        string? LinkBackUrl);
}
