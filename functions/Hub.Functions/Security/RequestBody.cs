using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Security;

/// <summary>
/// Reads a request body as raw bytes, up to a limit. Signatures are computed over exactly what the sender sent, so a
/// webhook body is read here, verified, and only then parsed.
/// </summary>
public static class RequestBody
{
    /// <summary>
    /// Reads the whole body, or refuses it: at once when Content-Length exceeds <paramref name="limit"/>, or as soon
    /// as a body without one (chunked) runs past it. Never reads more than <paramref name="limit"/> + 1 bytes.
    /// </summary>
    public static async Task<BodyReadResult> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (request.ContentLength > limit)
        {
            return BodyReadResult.TooLarge(limit);
        }

        // Kestrel's own cap (30,000,000 bytes by default) would answer the 30 MB mail route with a bare 413 before we
        // could, so ours replaces it for this request. Not limit + 1: Kestrel pumps a chunked body ahead of our reads
        // and counts what it pumped, so a tight cap refuses bodies within the limit. The loop below never reads more
        // than limit + 1 bytes, and the pump is bounded by Kestrel's pipe buffer, so nothing unbounded is accepted.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = null;
        }

        try
        {
            return await ReadUpToAsync(request.Body, request.ContentLength, limit, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Only when someone read the body before us, so the server limit could no longer be moved.
            return BodyReadResult.TooLarge(limit);
        }
    }

    /// <summary>An RFC 9457 problem: 413 with the limit in the detail.</summary>
    public static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: $"The request body exceeds the limit of {Describe(limit)}.");

    internal static string Describe(long limit)
    {
        string bytes = limit.ToString("N0", CultureInfo.InvariantCulture) + (limit == 1 ? " byte" : " bytes");
        return limit >= 1024 * 1024 && limit % (1024 * 1024) == 0
            ? $"{(limit / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)} MB ({bytes})"
            : bytes;
    }

    private static async Task<BodyReadResult> ReadUpToAsync(Stream body, long? contentLength, long limit, CancellationToken ct)
    {
        // With a declared length the buffer is allocated once; without one it grows, never past limit + 1.
        long initial = contentLength is { } declared ? declared + 1 : Math.Min(limit + 1, 64 * 1024);
        byte[] buffer = new byte[Math.Max(1, Math.Min(initial, Array.MaxLength))];
        long total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                long grown = Math.Min(Math.Min(limit + 1, (long)buffer.Length * 2), Array.MaxLength);
                if (grown <= buffer.Length)
                {
                    return BodyReadResult.TooLarge(limit);
                }

                Array.Resize(ref buffer, (int)grown);
            }

            int read = await body.ReadAsync(buffer.AsMemory((int)total, buffer.Length - (int)total), ct);
            if (read == 0)
            {
                return BodyReadResult.Read(buffer.AsMemory(0, (int)total), limit);
            }

            total += read;
            if (total > limit)
            {
                return BodyReadResult.TooLarge(limit);
            }
        }
    }
}
