using System.Security.Cryptography;
using System.Text;

namespace Hub.Functions.Security;

/// <summary>
/// The Standard Webhooks signature scheme, shared by the verifier (inbound) and the webhook connector (outbound):
/// HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with the base64 key after the <c>whsec_</c> prefix.
/// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
/// </summary>
public static class StandardWebhooks
{
    public const string SecretPrefix = "whsec_";
    public const string SignaturePrefix = "v1,";

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
}
