using System.Text.Json;
using Hub.Domain.Durable;

namespace Hub.Domain.Catalog;

/// <summary>
/// The payload of a <c>service.ticket</c> side effect: put <paramref name="Body"/> on an open ticket of
/// <paramref name="Service"/> as a comment, or, when it has none open, open one in <paramref name="Queue"/> with
/// <paramref name="Subject"/> for the service's owners. <paramref name="Key"/> identifies the request, so a retried
/// effect comments or opens once.
/// </summary>
public sealed record ServiceTicketRequest(string Key, string Service, string Queue, string Subject, string Body)
{
    public const string EffectKind = "service.ticket";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SideEffect Effect(ServiceTicketRequest request) => new(EffectKind, JsonSerializer.Serialize(request, Json));

    public static ServiceTicketRequest Parse(string payload) =>
        JsonSerializer.Deserialize<ServiceTicketRequest>(payload, Json) ?? throw new FormatException("The service ticket payload is null.");
}
