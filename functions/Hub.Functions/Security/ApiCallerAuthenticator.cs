using Hub.Domain.Configuration;
using Hub.Functions.Hosting;

namespace Hub.Functions.Security;

/// <summary>
/// Finds the API caller: an <c>X-Api-Key</c> header matched against <see cref="ApiKeys"/>, else, only when
/// <c>Hub__TrustAppServiceAuth</c> is true, the App Service principal header. In Azure the platform strips a
/// client-sent <c>X-MS-CLIENT-PRINCIPAL</c> and sets its own; anywhere else anyone can send one, so trust stays off.
/// </summary>
public sealed class ApiCallerAuthenticator
{
    public const string KeyHeader = "X-Api-Key";
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string PrincipalNameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";
    public const string TrustSetting = "Hub:TrustAppServiceAuth";

    private static readonly string[] NameClaimFallbacks = ["name", "preferred_username", "appid", "azp"];

    private readonly ApiKeys _keys;
    private readonly bool _trustPrincipal;
    private readonly ILogger<ApiCallerAuthenticator> _logger;

    public ApiCallerAuthenticator(ApiKeys keys, IConfiguration settings, ILogger<ApiCallerAuthenticator> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _keys = keys;
        _logger = logger;
        string? trust = settings[TrustSetting];
        _trustPrincipal = string.IsNullOrWhiteSpace(trust) ? false
            : bool.TryParse(trust, out bool parsed) ? parsed
            : throw new HubStartupException("Setting 'Hub__TrustAppServiceAuth' must be true or false.");
    }

    public bool TrustsAppServicePrincipal => _trustPrincipal;

    /// <summary>The caller, or null when the request carries no valid credentials.</summary>
    public ApiCaller? Authenticate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IHeaderDictionary headers = context.Request.Headers;
        if (headers.ContainsKey(KeyHeader))
        {
            // A presented key decides: a wrong one is not rescued by a principal header.
            ApiCaller? byKey = headers[KeyHeader].Count == 1 ? _keys.Find(headers[KeyHeader][0]) : null;
            if (byKey is null)
            {
                _logger.LogInformation("API request {Method} {Path} refused: the {Header} is not a configured key", context.Request.Method, context.Request.Path, KeyHeader);
            }

            return byKey;
        }

        if (_trustPrincipal && headers[PrincipalHeader] is { Count: 1 } principal)
        {
            ApiCaller? byPrincipal = FromPrincipal(principal[0] ?? "", headers[PrincipalNameHeader]);
            if (byPrincipal is null)
            {
                _logger.LogInformation("API request {Method} {Path} refused: the {Header} header is malformed", context.Request.Method, context.Request.Path, PrincipalHeader);
            }

            return byPrincipal;
        }

        return null;
    }

    private static ApiCaller? FromPrincipal(string header, string? nameHeader)
    {
        if (ClientPrincipal.Decode(header) is not { Claims: { } claims } principal)
        {
            return null;
        }

        var roles = new HashSet<Role>();
        foreach (ClientPrincipalClaim claim in claims)
        {
            bool isRole = string.Equals(claim.Type, "roles", StringComparison.Ordinal)
                || (principal.RoleType is { Length: > 0 } && string.Equals(claim.Type, principal.RoleType, StringComparison.Ordinal));
            if (isRole && RoleNames.TryParse(claim.Value, out Role role))
            {
                roles.Add(role);
            }
        }

        string? name = (principal.NameType is { Length: > 0 } ? Claim(claims, principal.NameType) : null)
            ?? NameClaimFallbacks.Select(t => Claim(claims, t)).FirstOrDefault(v => v is not null)
            ?? (string.IsNullOrWhiteSpace(nameHeader) ? null : nameHeader);
        return name is null ? null : new ApiCaller(name, roles);
    }

    private static string? Claim(IReadOnlyList<ClientPrincipalClaim> claims, string type) =>
        claims.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(c.Value))?.Value;
}
