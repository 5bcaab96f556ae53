using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Security;
using Hub.Functions.Admin;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace Hub.Functions.Security;

/// <summary>
/// Checks that a webhook comes from its configured source. Secrets are read from the app settings the source names on
/// every call, so a rotated value applies without a restart; any one of the secrets set passes (<see cref="WebhookSecrets"/>:
/// the first setting is required, the others are rotation secrets used when set). A required setting that is missing
/// or empty, or a set value that is unusable, makes the source fail closed (warned once, by setting name); the hub
/// refuses to start in either case, so this is only seen when settings change under a running host. Secrets are never logged.
/// </summary>
public sealed class WebhookVerifier
{
    public const string IdHeader = StandardWebhooks.IdHeader;
    public const string TimestampHeader = StandardWebhooks.TimestampHeader;
    public const string SignatureHeader = StandardWebhooks.SignatureHeader;
    public const string GitHubSignatureHeader = "X-Hub-Signature-256";

    /// <summary>Standard Webhooks replay window, either way: older deliveries are stale, newer ones come from a skewed clock.</summary>
    public static readonly TimeSpan Tolerance = StandardWebhooks.Tolerance;

    private const string GitHubSignaturePrefix = "sha256=";

    private readonly IConfiguration _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookVerifier> _logger;
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.OrdinalIgnoreCase);

    public WebhookVerifier(IConfiguration settings, TimeProvider clock)
        : this(settings, clock, NullLogger<WebhookVerifier>.Instance)
    {
    }

    public WebhookVerifier(IConfiguration settings, TimeProvider clock, ILogger<WebhookVerifier> logger)
    {
        _settings = settings;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The answer to a failed verification: 401 with no detail.</summary>
    public static ProblemHttpResult Unauthorized() => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public VerifyResult Verify(WebhookSource source, IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(headers);
        List<(string Setting, string Value)>? secrets = Secrets(source);
        VerifyResult result = secrets is null
            ? VerifyResult.Failed("a secret setting of the source is missing or empty")
            : source.Auth switch
            {
                WebhookAuthScheme.StandardWebhooks => VerifyStandard(source, secrets, headers, body),
                WebhookAuthScheme.GitHubSignature => VerifyGitHub(secrets, headers, body),
                WebhookAuthScheme.Basic => VerifyAuthorization(secrets, headers, "Basic", DecodeBasic),
                WebhookAuthScheme.Bearer => VerifyAuthorization(secrets, headers, "Bearer", token => token),
                _ => VerifyResult.Failed($"authentication scheme {source.Auth} is not supported"),
            };
        if (!result.IsVerified)
        {
            _logger.LogInformation("Webhook for source {Source} ({Scheme}) refused: {Reason}", source.Name, source.Auth, result.Reason);
        }

        return result;
    }

    private List<(string Setting, string Value)>? Secrets(WebhookSource source)
    {
        if (source.SecretSettings.Count == 0)
        {
            WarnOnce($"source:{source.Name}", "Webhook source {Source} names no secret setting; it can never authenticate.", source.Name);
            return null;
        }

        // The hub refuses to start without the first setting (WebhookSecrets.Problems); it can only be missing here
        // when settings changed under a running host.
        if (WebhookSecrets.Read(source, _settings) is not { } secrets)
        {
            WarnOnce(
                $"missing:{source.SecretSettings[0]}",
                "Setting {Setting} (the secret of webhook source {Source}) is missing or empty; the source can never authenticate until it is set.",
                source.SecretSettings[0],
                source.Name);
            return null;
        }

        return [.. secrets];
    }

    // https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
    private VerifyResult VerifyStandard(WebhookSource source, List<(string Setting, string Value)> secrets, IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        var keys = new List<byte[]>(secrets.Count);
        foreach ((string setting, string secret) in secrets)
        {
            if (!StandardWebhooks.TryDecodeSecret(secret, out byte[] key))
            {
                WarnOnce(
                    $"format:{setting}",
                    "Setting {Setting} (a secret of webhook source {Source}) is not a Standard Webhooks secret (whsec_ then base64); the source can never authenticate.",
                    setting,
                    source.Name);
                return VerifyResult.Failed("a secret setting of the source is not a Standard Webhooks secret");
            }

            keys.Add(key);
        }

        string? id = Single(headers, IdHeader);
        return StandardWebhooks.Refusal(keys, id, Single(headers, TimestampHeader), headers[SignatureHeader], body, _clock.GetUtcNow()) is { } refusal
            ? VerifyResult.Failed(refusal)
            : VerifyResult.Verified(id!);
    }

    // https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
    private static VerifyResult VerifyGitHub(List<(string Setting, string Value)> secrets, IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        if (Single(headers, GitHubSignatureHeader) is not { } header)
        {
            return VerifyResult.Failed($"{GitHubSignatureHeader} header missing");
        }

        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        if (!header.StartsWith(GitHubSignaturePrefix, StringComparison.Ordinal)
            || header.Length != GitHubSignaturePrefix.Length + (2 * SHA256.HashSizeInBytes)
            || Convert.FromHexString(header.AsSpan(GitHubSignaturePrefix.Length), presented, out _, out int written) != OperationStatus.Done
            || written != SHA256.HashSizeInBytes)
        {
            return VerifyResult.Failed($"{GitHubSignatureHeader} is not sha256=<64 hex digits>");
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        foreach ((_, string secret) in secrets)
        {
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, presented))
            {
                return VerifyResult.Verified(null);
            }
        }

        return VerifyResult.Failed($"{GitHubSignatureHeader} does not match");
    }

    private static VerifyResult VerifyAuthorization(List<(string Setting, string Value)> secrets, IHeaderDictionary headers, string scheme, Func<string, string?> decode)
    {
        if (Single(headers, "Authorization") is not { } header)
        {
            return VerifyResult.Failed("Authorization header missing");
        }

        if (!header.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return VerifyResult.Failed($"Authorization header is not {scheme}");
        }

        if (decode(header[(scheme.Length + 1)..].Trim()) is not { Length: > 0 } credentials)
        {
            return VerifyResult.Failed($"Authorization {scheme} credentials are malformed");
        }

        return secrets.Any(s => AdminKey.Matches(credentials, s.Value))
            ? VerifyResult.Verified(null)
            : VerifyResult.Failed($"Authorization {scheme} credentials do not match");
    }

    private static string? DecodeBasic(string encoded)
    {
        byte[] bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out int written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string? Single(IHeaderDictionary headers, string name) =>
        headers[name] is { Count: 1 } values && values[0] is { Length: > 0 } value ? value : null;

    private void WarnOnce(string key, string message, params object?[] args)
    {
        if (_warned.TryAdd(key, true))
        {
#pragma warning disable CA2254 // the templates are constants chosen above
            _logger.LogWarning(message, args);
#pragma warning restore CA2254
        }
    }
}
