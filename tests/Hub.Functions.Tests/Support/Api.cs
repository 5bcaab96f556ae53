using System.Net.Http.Json;
using Hub.Testing;

namespace Hub.Functions.Tests.Support;

/// <summary>One API request with a key, an optional JSON body and If-Match; it returns when the hub answers (effects may still run).</summary>
internal static class Api
{
    public static async Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, string key, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await hub.Client.SendAsync(request);
    }
}
