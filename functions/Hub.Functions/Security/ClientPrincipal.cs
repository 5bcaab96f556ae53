using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Functions.Security;

/// <summary>
/// The App Service Authentication principal header, base64 JSON.
/// https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities#decoding-the-client-principal-header
/// </summary>
internal sealed record ClientPrincipal(
    [property: JsonPropertyName("auth_typ")] string? AuthType,
    [property: JsonPropertyName("claims")] IReadOnlyList<ClientPrincipalClaim>? Claims,
    [property: JsonPropertyName("name_typ")] string? NameType,
    [property: JsonPropertyName("role_typ")] string? RoleType)
{
    public static ClientPrincipal? Decode(string header)
    {
        byte[] json = new byte[header.Length];
        if (!Convert.TryFromBase64String(header.Trim(), json, out int written))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ClientPrincipal>(json.AsSpan(0, written)) is { Claims: not null } principal
                && principal.Claims.All(c => c is { Type: not null, Value: not null })
                ? principal
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record ClientPrincipalClaim(
    [property: JsonPropertyName("typ")] string? Type,
    [property: JsonPropertyName("val")] string? Value);
