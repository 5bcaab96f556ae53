using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Functions.Hosting;
using Hub.Functions.Security;

namespace Hub.Functions.Dashboard;

/// <summary>
/// Dashboard sessions (docs/dashboard.md): an API key is exchanged once for a cookie holding the caller's name, roles
/// and expiry, signed with HMAC-SHA256 (<c>Hub__DashboardSessionKey</c>, else a key made at start, so sessions end
/// with the process). The cookie is HttpOnly, SameSite=Strict, Secure outside Development, and lives
/// <see cref="Lifetime"/>. Every action form carries an anti-forgery token derived from the session, checked on POST.
/// </summary>
public sealed class DashboardSessions
{
    public const string CookieName = "hub_session";

    public const string KeySetting = "Hub:DashboardSessionKey";

    public const string TokenField = "__csrf";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly byte[] _key;
    private readonly bool _secure;
    private readonly TimeProvider _clock;

    public DashboardSessions(IConfiguration settings, IHostEnvironment environment, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        string? configured = settings[KeySetting];
        if (configured is { Length: > 0 and < 32 })
        {
            throw new HubStartupException($"{KeySetting.Replace(":", "__", StringComparison.Ordinal)} must be at least 32 characters.");
        }

        _key = configured is { Length: > 0 } ? Encoding.UTF8.GetBytes(configured) : RandomNumberGenerator.GetBytes(32);
        _secure = !environment.IsDevelopment();
        _clock = clock;
    }

    /// <summary>The caller of a valid, unexpired session cookie, or null.</summary>
    public DashboardSession? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Cookies[CookieName] is not { Length: > 0 } cookie || cookie.Split('.') is not [string payload, string mac])
        {
            return null;
        }

        byte[] expected = Sign(payload);
        byte[] presented;
        try
        {
            presented = Base64Url.DecodeFromChars(mac);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return null;
        }

        SessionPayload? session = JsonSerializer.Deserialize<SessionPayload>(Base64Url.DecodeFromChars(payload), Json);
        return session is null || session.Expires <= _clock.GetUtcNow()
            ? null
            : new DashboardSession(new ApiCaller(session.Name, new HashSet<Role>(session.Roles)), session.Id, Token(session.Id), session.Expires);
    }

    /// <summary>Starts a session for <paramref name="caller"/>: sets the cookie on <paramref name="response"/>.</summary>
    public void Start(HttpResponse response, ApiCaller caller)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(caller);
        DateTimeOffset expires = _clock.GetUtcNow() + Lifetime;
        var payload = new SessionPayload(caller.Name, [.. caller.Roles], Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), expires);
        string body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload, Json));
        response.Cookies.Append(CookieName, $"{body}.{Base64Url.EncodeToString(Sign(body))}", Options(expires));
    }

    /// <summary>A session for an App Service principal: no cookie (the platform signs every request), a token bound to its name.</summary>
    public DashboardSession ForPrincipal(ApiCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string id = "principal:" + caller.Name;
        return new DashboardSession(caller, id, Token(id), _clock.GetUtcNow() + Lifetime);
    }

    public void End(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(CookieName, Options(null));
    }

    /// <summary>Whether <paramref name="form"/> carries the session's anti-forgery token.</summary>
    public static bool TokenMatches(DashboardSession session, IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(form);
        return form[TokenField].FirstOrDefault() is { } token
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(session.Token), Encoding.UTF8.GetBytes(token));
    }

    private CookieOptions Options(DateTimeOffset? expires) =>
        new() { HttpOnly = true, Secure = _secure, SameSite = SameSiteMode.Strict, Path = "/", Expires = expires, IsEssential = true };

    private string Token(string sessionId) => Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("csrf:" + sessionId)));

    private byte[] Sign(string payload) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("session:" + payload));

    private sealed record SessionPayload(string Name, IReadOnlyList<Role> Roles, string Id, DateTimeOffset Expires);
}

/// <summary>A signed-in dashboard user: who, the session's id, its anti-forgery token and when it ends.</summary>
public sealed record DashboardSession(ApiCaller Caller, string Id, string Token, DateTimeOffset Expires);
