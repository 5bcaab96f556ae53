using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Functions.Outbound;
using Polly;
using Polly.Timeout;

namespace Hub.Functions.Connectors;

/// <summary>
/// HTTP for connectors: requests on the <see cref="OutboundHttp.ConnectorClient"/> client, and <see cref="RunAsync"/>,
/// which runs a whole attempt in the connector's resilience pipeline (<see cref="OutboundHttp.ConnectorPipeline"/>):
/// retrying whole attempts rather than single requests lets a connector look before it repeats a request that is not
/// idempotent (an RT create), and sign each attempt afresh (a webhook).
/// </summary>
internal sealed class ConnectorHttp(ConnectorDefinition definition, IHttpClientFactory clients, ResiliencePipeline<string> pipeline, TimeProvider clock)
{
    public Uri Url => definition.Url;

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, fails permanently, or the pipeline's attempts or time run out;
    /// what still fails is a <see cref="ConnectorException"/> that the outbox retries later when it is transient.
    /// </summary>
    public async Task<string> RunAsync(Func<CancellationToken, Task<string>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(async ct => await attempt(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new ConnectorException($"{definition.Name}: {definition.Url.Host} did not answer within {e.Timeout.TotalSeconds:0.#} s", transient: true, innerException: e);
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> once, limited to the connector's per-attempt timeout on the injected clock: for an
    /// operator's check, who wants the first answer (a 401 included) now rather than after the retries.
    /// </summary>
    public async Task<T> RunOnceAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        using var timeout = new CancellationTokenSource(definition.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await attempt(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException($"{definition.Name}: {definition.Url.Host} did not answer within {definition.Timeout.TotalSeconds:0.#} s", transient: true, innerException: e);
        }
    }

    /// <summary>One request. 2xx returns the body; anything else throws a <see cref="ConnectorException"/> that says what came back.</summary>
    public async Task<BinaryData> SendAsync(HttpMethod method, Uri uri, IEnumerable<(string Name, string Value)> headers, BinaryData? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("integration-hub", null));
        foreach ((string name, string value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body.ToArray());
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        // Host only: a webhook URL's path or query may carry a secret (Slack- and Teams-style URLs), and this text is
        // logged and stored on the calling aggregate.
        string what = $"{definition.Name}: {method} to {uri.Host}";
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(OutboundHttp.ConnectorClient).SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectorException($"{what} failed: {e.Message}", transient: true, innerException: e);
        }

        using (response)
        {
            var content = BinaryData.FromBytes(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            int status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return content;
            }

            // 401 is an operator's to fix (a rotated or wrong credential), like a missing setting: retried later, not dropped,
            // so nothing is lost while the setting is corrected. 403 is the system refusing this call (RT answers it for a
            // queue that does not exist or a right the hub's user lacks): permanent, so it is reported with the reason
            // (a hand-off fails visibly and its tier managers are told) instead of being retried until it is given up.
            bool transient = status is 401 or 408 or 429 or >= 500;
            throw new ConnectorException($"{what} answered {status.ToString(CultureInfo.InvariantCulture)}: {Describe(content)}", transient, status)
            {
                RetryAfter = OutboundResilience.RetryAfter(response.Headers.RetryAfter, clock),
            };
        }
    }

    /// <summary>The error message in a JSON answer ("message", as RT REST2 and most APIs send it), else the text, shortened.</summary>
    private static string Describe(BinaryData content)
    {
        string text = content.ToMemory().Length == 0 ? "(no body)" : Encoding.UTF8.GetString(content.ToMemory().Span[..Math.Min(content.ToMemory().Length, 2048)]);
        try
        {
            using JsonDocument json = JsonDocument.Parse(content);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out JsonElement message)
                && message.ValueKind == JsonValueKind.String)
            {
                text = message.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text itself is the best description.
        }

        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > 300 ? text[..300] + "..." : text;
    }

    /// <summary>The "id" of a JSON object answer; null when the answer is not such an object.</summary>
    public static string? IdOf(BinaryData answer)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(answer);
            return IdOf(json.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The "id" of a JSON object, whether the system sends it as a string or a number.</summary>
    public static string? IdOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out JsonElement id)
            ? id.ValueKind switch
            {
                JsonValueKind.String => id.GetString(),
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            }
            : null;
}
