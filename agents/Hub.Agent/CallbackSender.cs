using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Domain.Security;
using Hub.Domain.Sites;

namespace Hub.Agent;

/// <summary>
/// Posts a step's signed result to the hub's callback URL once the command ends, for steps answered 202. One sender
/// per step id, to the newest callback URL the hub gave; a failure that may pass (no connection, a 5xx) is tried
/// again with growing pauses for about five minutes, then logged. The hub also asks again under the same step id
/// when it hears nothing, and gets the recorded result.
/// </summary>
public sealed class CallbackSender(IHttpClientFactory clients, AgentSettings settings, TimeProvider clock, ILogger<CallbackSender> logger)
{
    private static readonly TimeSpan[] Pauses = [.. new[] { 1, 2, 4, 8, 15, 30, 60, 60, 60, 60 }.Select(s => TimeSpan.FromSeconds(s))];

    private readonly ConcurrentDictionary<string, string> _targets = new(StringComparer.Ordinal);

    public void SendWhenDone(AgentStepRequest step, Task<AgentStepResult> running)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(running);
        bool first = true;
        _targets.AddOrUpdate(step.StepId, step.CallbackUrl!, (_, _) =>
        {
            first = false;
            return step.CallbackUrl!;
        });
        if (first)
        {
            _ = Task.Run(() => SendAsync(step.StepId, running));
        }
    }

    private async Task SendAsync(string stepId, Task<AgentStepResult> running)
    {
        AgentStepResult result = await running;
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(result, AgentProtocol.Json);
        for (int attempt = 0; ; attempt++)
        {
            string url = _targets[stepId];
            string? failure;
            try
            {
                (string id, string timestamp, string signature) = StandardWebhooks.Headers(settings.Key, $"msg_{Guid.NewGuid():N}", clock.GetUtcNow(), body);
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add(StandardWebhooks.IdHeader, id);
                request.Headers.Add(StandardWebhooks.TimestampHeader, timestamp);
                request.Headers.Add(StandardWebhooks.SignatureHeader, signature);
                using HttpResponseMessage response = await clients.CreateClient(nameof(CallbackSender)).SendAsync(request);
                if (response.IsSuccessStatusCode)
                {
                    _targets.TryRemove(stepId, out _);
                    return;
                }

                failure = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if ((int)response.StatusCode < 500)
                {
                    logger.LogError("The hub refused the result of step {StepId} at {Url}: {Failure}", stepId, url, failure);
                    _targets.TryRemove(stepId, out _);
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failure = e.Message;
            }

            if (attempt >= Pauses.Length)
            {
                logger.LogError("Gave up sending the result of step {StepId} to {Url}: {Failure}; the hub gets it when it asks again", stepId, url, failure);
                _targets.TryRemove(stepId, out _);
                return;
            }

            logger.LogWarning("Sending the result of step {StepId} to {Url} failed ({Failure}); trying again", stepId, url, failure);
            await Task.Delay(Pauses[attempt], clock);
        }
    }
}
