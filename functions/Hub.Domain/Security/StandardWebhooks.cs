using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Domain.Security;

/// <summary>
/// The Standard Webhooks signature scheme, shared by everything that signs or checks a delivery: the hub's webhook
/// verifier (inbound) and connector (outbound), the site-run agent client and the reference agent. HMAC-SHA256 over
/// <c>{id}.{timestamp}.{body}</c> with the base64 key after the <c>whsec_</c> prefix.
/// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
/// </summary>
public static class StandardWebhooks
{
    public const string SecretPrefix = "whsec_";
    public const string SignaturePrefix = "v1,";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>How far a timestamp may be from now, either way (the spec's suggestion).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>The key in a secret ("whsec_" is optional); false when the rest is not base64 or is empty.</summary>
    public static bool TryDecodeSecret(string secret, out byte[] key)
    {
        ArgumentNullException.ThrowIfNull(secret);
        string encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        byte[] buffer = new byte[encoded.Length];
        bool ok = Convert.TryFromBase64String(encoded, buffer, out int written) && written > 0;
        key = ok ? buffer[..written] : [];
        return ok;
    }

    /// <summary>The raw signature of one delivery.</summary>
    public static byte[] Sign(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>The three headers of a delivery signed now: id, timestamp (unix seconds) and <c>v1,</c> signature.</summary>
    public static (string Id, string Timestamp, string Signature) Headers(byte[] key, string id, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        string timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return (id, timestamp, SignaturePrefix + Convert.ToBase64String(Sign(key, id, timestamp, body)));
    }

    /// <summary>
    /// Why a delivery's headers do not authenticate <paramref name="body"/> under any of <paramref name="keys"/>, or
    /// null when they do: the id and timestamp must be present, the timestamp within <see cref="Tolerance"/> of
    /// <paramref name="now"/>, and one <c>v1,</c> entry of the (space-separated) signature values must match.
    /// </summary>
    public static string? Refusal(IReadOnlyCollection<byte[]> keys, string? id, string? timestamp, IEnumerable<string?> signatures, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(signatures);
        if (string.IsNullOrEmpty(id))
        {
            return $"{IdHeader} header missing";
        }

        if (string.IsNullOrEmpty(timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long sentAt))
        {
            return $"{TimestampHeader} header missing or not unix seconds";
        }

        long skew = now.ToUnixTimeSeconds() - sentAt;
        if (skew > Tolerance.TotalSeconds || skew < -Tolerance.TotalSeconds)
        {
            return $"{TimestampHeader} is {skew.ToString(CultureInfo.InvariantCulture)} s away from now, outside the tolerance";
        }

        string[] entries = [.. signatures.SelectMany(v => (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        if (entries.Length == 0)
        {
            return $"{SignatureHeader} header missing";
        }

        // Signed content: {id}.{timestamp}.{body}, with id and timestamp exactly as sent.
        var expected = new List<byte[]>(keys.Count);
        foreach (byte[] key in keys)
        {
            expected.Add(Sign(key, id, timestamp, body));
        }

        Span<byte> presented = stackalloc byte[64];
        foreach (string entry in entries)
        {
            // Other versions (v1a, asymmetric) are skipped: a list may carry signatures we do not check.
            if (!entry.StartsWith(SignaturePrefix, StringComparison.Ordinal)
                || !Convert.TryFromBase64String(entry[SignaturePrefix.Length..], presented, out int length)
                || length != SHA256.HashSizeInBytes)
            {
                continue;
            }

            foreach (byte[] candidate in expected)
            {
                if (CryptographicOperations.FixedTimeEquals(candidate, presented[..length]))
                {
                    return null;
                }
            }
        }

        return $"no {SignatureHeader} entry matches";
    }
}
