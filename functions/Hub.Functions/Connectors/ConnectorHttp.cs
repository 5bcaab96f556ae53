using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Domain.Configuration;

namespace Hub.Functions.Connectors;

/// <summary>
/// HTTP for connectors: one attempt per <see cref="SendAsync"/> on an Azure.Core pipeline without retries of its own,
/// and <see cref="RetryAsync{T}"/> around whole attempts. Retrying here rather than inside the pipeline lets a
/// connector look before it repeats a request that is not idempotent (an RT create).
/// </summary>
internal sealed class ConnectorHttp
{
    /// <summary>A Retry-After beyond this is not waited for inside one dispatch; the outbox sweeper retries later.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// All attempts of one dispatch, back-off included, end within this: the outbox sweeper (docs/durable.md) must never
    /// find the row while its first dispatch is still running. What is left over is retried by the sweeper.
    /// </summary>
    public static readonly TimeSpan DispatchBudget = TimeSpan.FromMinutes(2);

    private readonly HttpPipeline _pipeline;
    private readonly ConnectorDefinition _definition;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _baseDelay;

    public ConnectorHttp(ConnectorDefinition definition, TimeProvider clock, TimeSpan baseDelay)
    {
        _definition = definition;
        _clock = clock;
        _baseDelay = baseDelay;
        var options = new ConnectorClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = definition.Timeout;
        options.Diagnostics.IsLoggingContentEnabled = false;
        options.Diagnostics.ApplicationId = "integration-hub";
        _pipeline = HttpPipelineBuilder.Build(options);
    }

    public Uri Url => _definition.Url;

    /// <summary>Runs <paramref name="attempt"/> up to 1 + MaxRetries times while it fails transiently, backing off exponentially.</summary>
    public async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        DateTimeOffset deadline = _clock.GetUtcNow() + DispatchBudget;
        for (int tries = 0; ; tries++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorException e) when (e.Transient && tries < _definition.MaxRetries && (e.RetryAfter is null || e.RetryAfter <= MaxRetryAfter))
            {
                TimeSpan delay = e.RetryAfter ?? _baseDelay * Math.Pow(2, tries) * (0.8 + (Random.Shared.NextDouble() * 0.4));
                if (_clock.GetUtcNow() + delay + _definition.Timeout > deadline)
                {
                    throw; // another attempt could outlast the dispatch budget: the sweeper retries later
                }

                await Task.Delay(delay, _clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One request. 2xx returns the body; anything else throws a <see cref="ConnectorException"/> that says what came back.</summary>
    public async Task<BinaryData> SendAsync(RequestMethod method, Uri uri, IEnumerable<(string Name, string Value)> headers, BinaryData? body, CancellationToken cancellationToken)
    {
        using HttpMessage message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        foreach ((string name, string value) in headers)
        {
            message.Request.Headers.SetValue(name, value);
        }

        if (body is not null)
        {
            message.Request.Headers.SetValue("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(body);
        }

        // Host only: a webhook URL's path or query may carry a secret (Slack- and Teams-style URLs), and this text is
        // logged and stored on the calling aggregate.
        string what = $"{_definition.Name}: {method} to {uri.Host}";
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException($"{what} timed out after {_definition.Timeout.TotalSeconds:0} s", transient: true, innerException: e);
        }
        catch (RequestFailedException e)
        {
            throw new ConnectorException($"{what} failed: {e.Message}", transient: true, innerException: e);
        }

        Response response = message.Response;
        BinaryData content = response.Content;
        if (response.Status is >= 200 and < 300)
        {
            return content;
        }

        // 401/403 are an operator's to fix (a rotated or wrong credential), like a missing setting: retried later, not
        // dropped, so nothing is lost while the setting is corrected.
        bool transient = response.Status is 401 or 403 or 408 or 429 or >= 500;
        throw new ConnectorException($"{what} answered {response.Status}: {Describe(content)}", transient, response.Status)
        {
            RetryAfter = RetryAfter(response),
        };
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

    private static TimeSpan? RetryAfter(Response response) =>
        response.Headers.TryGetValue("Retry-After", out string? value)
        && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private sealed class ConnectorClientOptions : ClientOptions;
}
