using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Storage.Account;

/// <summary>
/// Builds the documented SharedKey strings-to-sign and signs them.
/// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
/// </summary>
public sealed class SharedKeySigner(string accountName, byte[] accountKey)
{
    public string AccountName { get; } = accountName;

    /// <summary>Blob and Queue services, version 2009-09-19 and later.</summary>
    public static string BlobQueueStringToSign(string method, Uri uri, IReadOnlyDictionary<string, string> headers, long? contentLength, string accountName)
    {
        string H(string name) => headers.TryGetValue(name, out string? v) ? v : "";

        var sb = new StringBuilder();
        sb.Append(method.ToUpperInvariant()).Append('\n')
            .Append(H("Content-Encoding")).Append('\n')
            .Append(H("Content-Language")).Append('\n')
            // Since 2015-02-21 a zero length is signed as the empty string.
            .Append(contentLength is null or 0 ? "" : contentLength.Value.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(H("Content-MD5")).Append('\n')
            .Append(H("Content-Type")).Append('\n')
            .Append(headers.ContainsKey("x-ms-date") ? "" : H("Date")).Append('\n')
            .Append(H("If-Modified-Since")).Append('\n')
            .Append(H("If-Match")).Append('\n')
            .Append(H("If-None-Match")).Append('\n')
            .Append(H("If-Unmodified-Since")).Append('\n')
            .Append(H("Range")).Append('\n');

        foreach (KeyValuePair<string, string> header in headers
                     .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), h.Value))
                     .OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            sb.Append(header.Key).Append(':').Append(header.Value.Trim()).Append('\n');
        }

        sb.Append('/').Append(accountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        foreach (var group in QueryParameters(uri).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append('\n').Append(group.Key).Append(':').Append(string.Join(',', group.Value.Order(StringComparer.Ordinal)));
        }

        return sb.ToString();
    }

    /// <summary>Table service, SharedKey: VERB, Content-MD5, Content-Type, Date, CanonicalizedResource.</summary>
    public static string TableStringToSign(string method, Uri uri, IReadOnlyDictionary<string, string> headers, string accountName)
    {
        string H(string name) => headers.TryGetValue(name, out string? v) ? v : "";
        string date = headers.ContainsKey("x-ms-date") ? H("x-ms-date") : H("Date");
        return $"{method.ToUpperInvariant()}\n{H("Content-MD5")}\n{H("Content-Type")}\n{date}\n{TableResource(uri, accountName)}";
    }

    /// <summary>Table service, SharedKeyLite: Date, CanonicalizedResource.</summary>
    public static string TableLiteStringToSign(Uri uri, IReadOnlyDictionary<string, string> headers, string accountName)
    {
        string date = headers.TryGetValue("x-ms-date", out string? d) ? d : headers.GetValueOrDefault("Date", "");
        return $"{date}\n{TableResource(uri, accountName)}";
    }

    public string Sign(string stringToSign)
    {
        using var hmac = new HMACSHA256(accountKey);
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string TableResource(Uri uri, string accountName)
    {
        string resource = "/" + accountName + (uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        string? comp = QueryParameters(uri).GetValueOrDefault("comp")?.FirstOrDefault();
        return comp is null ? resource : resource + "?comp=" + comp;
    }

    private static Dictionary<string, List<string>> QueryParameters(Uri uri)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string query = uri.Query.TrimStart('?');
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            string value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!result.TryGetValue(name, out List<string>? values))
            {
                result[name] = values = [];
            }

            values.Add(value);
        }

        return result;
    }
}
