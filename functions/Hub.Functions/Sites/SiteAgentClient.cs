using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Domain.Security;
using Hub.Domain.Sites;

namespace Hub.Functions.Sites;

/// <summary>
/// Sends one step to its agent (docs/sites.md, "Agent protocol") and reads the answer: a signed result, a 202 (the
/// result comes by callback), or a refusal. An answer that is not signed with the agent's secret is never believed:
/// the step fails saying so. What may pass if tried again (no connection, a timeout, a 5xx) throws
/// <see cref="AgentUnavailableException"/> for the orchestration's retries; the same step id is sent each time, so
/// the agent runs the command at most once.
/// </summary>
public sealed class SiteAgentClient(IHttpClientFactory clients, SiteAgents agents, TimeProvider clock)
{
    public const string ClientName = "site-agents";

    /// <summary>Time beyond the command's own limit that the hub waits for the agent's answer.</summary>
    public static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(30);

    public async Task<AgentAnswer> SendAsync(AgentStepRequest step, string agentUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        SiteAgent agent = agents.For(agentUrl)
            ?? throw new InvalidOperationException($"No Hub__Agents__*__Url covers {agentUrl}; the plan should have been refused.");
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(step, AgentProtocol.Json);
        (string id, string timestamp, string signature) = StandardWebhooks.Headers(agent.Key, $"msg_{Guid.NewGuid():N}", clock.GetUtcNow(), body);
        using var request = new HttpRequestMessage(HttpMethod.Post, agentUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(StandardWebhooks.IdHeader, id);
        request.Headers.Add(StandardWebhooks.TimestampHeader, timestamp);
        request.Headers.Add(StandardWebhooks.SignatureHeader, signature);

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(step.TimeoutSeconds) + AnswerMargin, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, linked.Token);
            answer = await response.Content.ReadAsByteArrayAsync(linked.Token);
        }
        catch (HttpRequestException e)
        {
            throw new AgentUnavailableException($"agent {agent.Name} at {agentUrl} could not be reached: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AgentUnavailableException($"agent {agent.Name} at {agentUrl} did not answer within {(TimeSpan.FromSeconds(step.TimeoutSeconds) + AnswerMargin).TotalSeconds:0} s", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500)
            {
                throw new AgentUnavailableException($"agent {agent.Name} answered {(int)response.StatusCode}: {Excerpt(answer)}");
            }

            if (!response.IsSuccessStatusCode)
            {
                // The agent refused the step (a bad signature, a service or command it does not have): running it again would not help.
                return AgentAnswer.Refused($"agent {agent.Name} refused the step with {(int)response.StatusCode}: {Excerpt(answer)}");
            }

            if (Refusal(agent, Header(response.Headers, StandardWebhooks.IdHeader), Header(response.Headers, StandardWebhooks.TimestampHeader),
                    response.Headers.TryGetValues(StandardWebhooks.SignatureHeader, out IEnumerable<string>? signatures) ? signatures : [], answer) is { } unsigned)
            {
                return AgentAnswer.Refused($"agent {agent.Name}'s answer is not signed with its secret ({unsigned}); it is not believed");
            }

            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return AgentAnswer.Pending;
            }

            return Parse(answer, step.StepId) is { } result
                ? AgentAnswer.Done(result)
                : AgentAnswer.Refused($"agent {agent.Name} answered 200 without a result for step {step.StepId}: {Excerpt(answer)}");
        }
    }

    /// <summary>Why a callback to the hub from <paramref name="agent"/> is not authentic, or null when it is.</summary>
    public string? Refusal(SiteAgent agent, IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Refusal(agent, Single(headers[StandardWebhooks.IdHeader]), Single(headers[StandardWebhooks.TimestampHeader]), headers[StandardWebhooks.SignatureHeader], body);
    }

    private string? Refusal(SiteAgent agent, string? id, string? timestamp, IEnumerable<string?> signatures, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return StandardWebhooks.Refusal([agent.Key], id, timestamp, signatures, body, clock.GetUtcNow());
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;

    /// <summary>A result for <paramref name="stepId"/> from JSON, or null when it is not one.</summary>
    public static AgentStepResult? Parse(ReadOnlySpan<byte> json, string stepId)
    {
        try
        {
            return JsonSerializer.Deserialize<AgentStepResult>(json, AgentProtocol.Json) is { } result && result.StepId == stepId ? result : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out IEnumerable<string>? values) && values.ToList() is [var one] ? one : null;

    private static string Excerpt(byte[] body)
    {
        string text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 500)).Trim();
        return text.Length == 0 ? "(no body)" : text;
    }
}

/// <summary>What the agent said: a result, "pending" (202: the result comes by callback), or a refusal the step fails with.</summary>
public sealed record AgentAnswer(AgentStepResult? Result, bool Accepted, string? Refusal)
{
    public static AgentAnswer Pending { get; } = new(null, true, null);

    public static AgentAnswer Done(AgentStepResult result) => new(result, false, null);

    public static AgentAnswer Refused(string reason) => new(null, false, reason);
}

/// <summary>The agent could not be reached or did not answer in time; the step may be sent again (same step id).</summary>
public sealed class AgentUnavailableException : Exception
{
    public AgentUnavailableException()
    {
    }

    public AgentUnavailableException(string message)
        : base(message)
    {
    }

    public AgentUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
