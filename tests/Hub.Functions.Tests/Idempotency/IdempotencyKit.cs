using System.Net.Http.Json;
using System.Text.Json;
using Hub.Functions.Durable;
using Hub.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Idempotency;

/// <summary>Requests with an Idempotency-Key, and what the hub stored for them.</summary>
internal static class IdempotencyKit
{
    /// <summary>Sends a JSON request, with the header when <paramref name="idempotencyKey"/> is set, and waits for its effects.</summary>
    public static async Task<Answer> SendAsync(TestHub hub, HttpMethod method, string path, string apiKey, object? body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", apiKey);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using HttpResponseMessage response = await hub.Client.SendAsync(request);
        var answer = new Answer(
            (int)response.StatusCode,
            response.Headers.Location?.ToString(),
            await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues("Idempotent-Replayed", out IEnumerable<string>? replayed) ? string.Join(",", replayed) : null,
            response.Headers.RetryAfter?.Delta);
        await HubState.WaitForEffectsAsync(hub);
        return answer;
    }

    /// <summary>The subjects of the mails the hub queued to <paramref name="address"/>.</summary>
    public static async Task<IReadOnlyList<string>> MailsToAsync(TestHub hub, string address)
    {
        StoredHub stored = await StoredHub.OpenAsync(hub.App.Services.GetRequiredService<DurableNames>().Table);
        return [.. (await stored.MailsAsync()).Where(m => m.To.Contains(address)).Select(m => m.Subject)];
    }

    /// <summary>Every mail the hub queued, to anyone.</summary>
    public static async Task<int> MailCountAsync(TestHub hub) =>
        await (await StoredHub.OpenAsync(hub.App.Services.GetRequiredService<DurableNames>().Table)).MailCountAsync();

    /// <summary>How many events of <paramref name="type"/> each aggregate of <paramref name="kind"/> has.</summary>
    public static async Task<Dictionary<long, int>> EventCountsAsync(TestHub hub, string kind, string type) =>
        await (await StoredHub.OpenAsync(hub.App.Services.GetRequiredService<DurableNames>().Table)).EventCountsAsync(kind, type);
}

/// <summary>What came back: status, Location, body, the Idempotent-Replayed header and Retry-After.</summary>
internal sealed record Answer(int Status, string? Location, string Body, string? Replayed, TimeSpan? RetryAfter)
{
    public long Number(string property = "number") => JsonDocument.Parse(Body).RootElement.GetProperty(property).GetInt64();

    /// <summary>The fields the problem's errors name.</summary>
    public IReadOnlyList<string> ErrorFields() =>
        [.. JsonDocument.Parse(Body).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!)];
}
