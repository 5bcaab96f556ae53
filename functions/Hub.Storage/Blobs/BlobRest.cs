using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Hub.Storage.Blobs;

/// <summary>Request and response plumbing shared by the blob clients.</summary>
internal static class BlobRest
{
    private const string MetadataPrefix = "x-ms-meta-";

    public static HttpMessage CreateMessage(HttpPipeline pipeline, RequestMethod method, Uri uri)
    {
        HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        return message;
    }

    /// <summary>The storage error code; HEAD responses carry it only in the x-ms-error-code header.</summary>
    public static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out string? code) ? code : null;

    public static BlobProperties ReadProperties(Response response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (HttpHeader header in response.Headers)
        {
            if (header.Name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name[MetadataPrefix.Length..]] = header.Value;
            }
        }

        return new BlobProperties(
            response.Headers.ETag ?? throw new RequestFailedException(response.Status, "The blob response has no ETag."),
            LastModified(response),
            response.Headers.ContentLength ?? 0,
            response.Headers.ContentType,
            metadata,
            response.Headers.TryGetValue("x-ms-lease-state", out string? lease) ? lease : null,
            response.Headers.TryGetValue("x-ms-copy-status", out string? copy) ? copy : null);
    }

    public static ETag ETagOf(Response response) =>
        response.Headers.ETag ?? throw new RequestFailedException(response.Status, "The blob response has no ETag.");

    public static DateTimeOffset LastModified(Response response) =>
        response.Headers.TryGetValue("Last-Modified", out string? value)
            ? ParseDate(value)
            : throw new RequestFailedException(response.Status, "The blob response has no Last-Modified.");

    // RFC 1123, as in headers and in List Blobs' <Last-Modified>.
    public static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.ParseExact(value, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>
    /// List Blobs writes the ETag bare (0x8D...); Azure.Core's <see cref="ResponseHeaders.ETag"/> strips the quotes of
    /// the header form ("0x8D...") too. Keep the bare form so ETags from both compare equal.
    /// </summary>
    public static ETag ParseETag(string value) =>
        new(value.Length >= 2 && value.StartsWith('"') && value.EndsWith('"') ? value[1..^1] : value);

    public static void SetMetadata(Request request, IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (KeyValuePair<string, string> pair in metadata ?? new Dictionary<string, string>())
        {
            request.Headers.SetValue(MetadataPrefix + pair.Key, pair.Value);
        }
    }

    /// <summary>Escapes each segment of a blob name, keeping '/' as the virtual directory separator.</summary>
    public static string EscapePath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    public static Uri Child(Uri parent, string escapedName) => new(parent.AbsoluteUri.TrimEnd('/') + "/" + escapedName);
}
