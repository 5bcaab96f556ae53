using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Hub.Domain.Security;
using Hub.Domain.Sites;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Hub.Functions.Tests.Sites;

/// <summary>The reference agent (agents/Hub.Agent) as a real process, spoken to over HTTP as the hub speaks to it (docs/agent.md).</summary>
public sealed class ReferenceAgentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agent-test-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Step_Signed_RunsTheCommandWithItsVariablesAndAnswersASignedResult()
    {
        await using SiteAgentProcess agent = await StartAsync(new()
        {
            ["start"] = $"echo \"$HUB_SITE $HUB_SERVICE $HUB_NODE $HUB_TIER $HUB_COMMAND $HUB_RUN_ID\"; echo oops >&2; echo run >> {_dir}/runs",
            ["stop"] = "echo refusing to stop; exit 7",
        });

        (HttpResponseMessage answer, byte[] body) = await SendAsync(agent, Step("s1", StepCommand.Start));
        AgentStepResult ok = Result(body);
        (HttpResponseMessage failedAnswer, byte[] failedBody) = await SendAsync(agent, Step("s2", StepCommand.Stop));
        AgentStepResult failed = Result(failedBody);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Null(Unsigned(agent, answer, body));
        Assert.Equal(("s1", StepOutcome.Succeeded, 0, false), (ok.StepId, ok.Outcome, ok.ExitCode, ok.TimedOut));
        Assert.Contains("portal db db-1 LIVE start run-1", ok.Output, StringComparison.Ordinal);
        Assert.Contains("oops", ok.Output, StringComparison.Ordinal);
        Assert.True(ok.EndedAt >= ok.StartedAt);
        Assert.Equal(HttpStatusCode.OK, failedAnswer.StatusCode);
        Assert.Null(Unsigned(agent, failedAnswer, failedBody));
        Assert.Equal((StepOutcome.Failed, 7), (failed.Outcome, failed.ExitCode));
        Assert.Contains("refusing to stop", failed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_UnsignedWronglySignedStaleOrReplayed_Is401AndRunsNothing()
    {
        await using SiteAgentProcess agent = await StartAsync(new() { ["start"] = $"echo run >> {_dir}/runs" });
        byte[] step = Step("s1", StepCommand.Start);
        Assert.True(StandardWebhooks.TryDecodeSecret("whsec_" + Convert.ToBase64String(new byte[32]), out byte[] otherKey));

        HttpResponseMessage unsigned = await PostAsync(agent, step, null);
        HttpResponseMessage wrongKey = await PostAsync(agent, step, StandardWebhooks.Headers(otherKey, "msg_a", DateTimeOffset.UtcNow, step));
        HttpResponseMessage stale = await PostAsync(agent, step, StandardWebhooks.Headers(Key(agent), "msg_b", DateTimeOffset.UtcNow.AddMinutes(-6), step));
        var headers = StandardWebhooks.Headers(Key(agent), "msg_c", DateTimeOffset.UtcNow, step);
        HttpResponseMessage first = await PostAsync(agent, step, headers);
        HttpResponseMessage replayed = await PostAsync(agent, step, headers);

        Assert.All(new[] { unsigned, wrongKey, stale, replayed }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("webhook-id header missing", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("outside the tolerance", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("seen before", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Single(File.ReadAllLines(Path.Combine(_dir, "runs")));
    }

    [Fact]
    public async Task Step_UnknownServiceCommandOrFields_Is422NamingThem()
    {
        await using SiteAgentProcess agent = await StartAsync(new() { ["start"] = "true" });

        (HttpResponseMessage service, byte[] serviceBody) = await SendAsync(agent, Step("s1", StepCommand.Start, service: "ledger"));
        (HttpResponseMessage command, byte[] commandBody) = await SendAsync(agent, Step("s2", StepCommand.Install));
        (HttpResponseMessage fields, byte[] fieldsBody) = await SendAsync(agent, Encoding.UTF8.GetBytes("""{"stepId":"s3","command":"launch","timeoutSeconds":0}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, service.StatusCode);
        Assert.Equal(["service"], Fields(serviceBody));
        Assert.Contains("this agent runs db", Encoding.UTF8.GetString(serviceBody), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, command.StatusCode);
        Assert.Equal(["command"], Fields(commandBody));
        Assert.Contains("Agent__Services__db__install", Encoding.UTF8.GetString(commandBody), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fields.StatusCode);
        Assert.Equal(["runId", "site", "service", "node", "tier", "command", "timeoutSeconds"], Fields(fieldsBody));
    }

    [Fact]
    public async Task StepId_SentAgainAlsoAfterARestart_AnswersTheRecordAndRunsOnce_AStepCutByARestartIsFailedNotRerun()
    {
        var commands = new Dictionary<string, string>
        {
            ["start"] = $"echo run $HUB_STEP_ID >> {_dir}/runs; echo started",
            ["stop"] = $"echo run $HUB_STEP_ID >> {_dir}/runs; touch {_dir}/stopping; sleep 30",
        };
        SiteAgentProcess agent = await StartAsync(commands);
        AgentStepResult first = Result((await SendAsync(agent, Step("s1", StepCommand.Start))).Body);
        AgentStepResult again = Result((await SendAsync(agent, Step("s1", StepCommand.Start))).Body);
        (HttpResponseMessage reused, _) = await SendAsync(agent, Step("s1", StepCommand.Stop));
        Task<(HttpResponseMessage, byte[])> cut = SendAsync(agent, Step("s2", StepCommand.Stop));
        await HubState.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(_dir, "stopping"))), TimeSpan.FromSeconds(30));
        await agent.KillAsync();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => cut);

        await using SiteAgentProcess restarted = await StartAsync(commands, agent.StateDirectory, agent.Secret);
        AgentStepResult afterRestart = Result((await SendAsync(restarted, Step("s1", StepCommand.Start))).Body);
        AgentStepResult cutOff = Result((await SendAsync(restarted, Step("s2", StepCommand.Stop))).Body);
        await agent.DisposeAsync();

        Assert.Equal(first, again);
        Assert.Equal(first, afterRestart);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal(StepOutcome.Failed, cutOff.Outcome);
        Assert.Contains("restarted while the step ran", cutOff.Output, StringComparison.Ordinal);
        Assert.Equal(["run s1", "run s2"], File.ReadAllLines(Path.Combine(_dir, "runs")));
    }

    [Fact]
    public async Task Step_PastItsTimeLimit_IsKilledWithItsChildrenAndReportedTimedOut_ADaemonItLeavesDoesNotHoldTheAnswer()
    {
        await using SiteAgentProcess agent = await StartAsync(new()
        {
            ["stop"] = $"sleep 1000 & echo $! > {_dir}/child; echo waiting; wait",
            // A daemon that keeps the agent's output pipe open: the answer must not wait for it.
            ["start"] = $"sleep 60 & echo $! > {_dir}/daemon; echo started",
        });

        AgentStepResult timedOut = Result((await SendAsync(agent, Step("s1", StepCommand.Stop, timeoutSeconds: 1))).Body);
        int child = int.Parse(File.ReadAllText(Path.Combine(_dir, "child")).Trim(), CultureInfo.InvariantCulture);
        AgentStepResult started = Result((await SendAsync(agent, Step("s2", StepCommand.Start))).Body);
        int daemon = int.Parse(File.ReadAllText(Path.Combine(_dir, "daemon")).Trim(), CultureInfo.InvariantCulture);
        bool daemonAliveAtAnswer = Alive(daemon);
        Process.GetProcessById(daemon).Kill();

        Assert.Equal((StepOutcome.Failed, true, (int?)null), (timedOut.Outcome, timedOut.TimedOut, timedOut.ExitCode));
        Assert.Contains("waiting", timedOut.Output, StringComparison.Ordinal);
        Assert.Contains("[killed after 1 s]", timedOut.Output, StringComparison.Ordinal);
        await HubState.WaitUntilAsync(() => Task.FromResult(!Alive(child)), TimeSpan.FromSeconds(10));
        Assert.Equal((StepOutcome.Succeeded, 0), (started.Outcome, started.ExitCode));
        Assert.Contains("started", started.Output, StringComparison.Ordinal);
        Assert.True(daemonAliveAtAnswer, "the answer came only after the daemon ended");
    }

    [Fact]
    public async Task Step_LongerThanAnswerWithin_Is202ThenASignedCallbackWithTheResult()
    {
        var received = Channel.CreateUnbounded<(IHeaderDictionary Headers, byte[] Body)>();
        int port = Azurite.FreePort();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        await using WebApplication hub = builder.Build();
        hub.MapPost("/callback", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            await received.Writer.WriteAsync((new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value)), buffer.ToArray()));
            return Results.Accepted();
        });
        await hub.StartAsync();
        await using SiteAgentProcess agent = await StartAsync(new() { ["start"] = $"sleep 1; echo finally" }, answerWithin: TimeSpan.FromMilliseconds(200));

        (HttpResponseMessage accepted, byte[] acceptedBody) = await SendAsync(agent, Step("s1", StepCommand.Start, callbackUrl: $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/callback"));
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (IHeaderDictionary headers, byte[] body) = await received.Reader.ReadAsync(wait.Token);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Null(Unsigned(agent, accepted, acceptedBody));
        Assert.Null(StandardWebhooks.Refusal([Key(agent)], headers[StandardWebhooks.IdHeader], headers[StandardWebhooks.TimestampHeader], headers[StandardWebhooks.SignatureHeader], body, DateTimeOffset.UtcNow));
        AgentStepResult result = Result(body);
        Assert.Equal(("s1", StepOutcome.Succeeded), (result.StepId, result.Outcome));
        Assert.Contains("finally", result.Output, StringComparison.Ordinal);
    }

    private static Task<SiteAgentProcess> StartAsync(Dictionary<string, string> commands, string? state = null, string? secret = null, TimeSpan? answerWithin = null) =>
        SiteAgentProcess.StartAsync(new SiteAgentOptions(new Dictionary<string, IReadOnlyDictionary<string, string>> { ["db"] = commands })
        {
            StateDirectory = state,
            Secret = secret,
            AnswerWithin = answerWithin,
        });

    private static byte[] Step(string stepId, StepCommand command, string service = "db", int timeoutSeconds = 30, string? callbackUrl = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new AgentStepRequest("run-1", stepId, "portal", service, "db-1", "LIVE", command, timeoutSeconds, callbackUrl), AgentProtocol.Json);

    private static byte[] Key(SiteAgentProcess agent) => StandardWebhooks.TryDecodeSecret(agent.Secret, out byte[] key) ? key : throw new InvalidOperationException("bad secret");

    private async Task<(HttpResponseMessage Response, byte[] Body)> SendAsync(SiteAgentProcess agent, byte[] step)
    {
        HttpResponseMessage response = await PostAsync(agent, step, StandardWebhooks.Headers(Key(agent), $"msg_{Guid.NewGuid():N}", DateTimeOffset.UtcNow, step));
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<HttpResponseMessage> PostAsync(SiteAgentProcess agent, byte[] step, (string Id, string Timestamp, string Signature)? headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, agent.StepsUrl) { Content = new ByteArrayContent(step) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (headers is { } h)
        {
            request.Headers.Add(StandardWebhooks.IdHeader, h.Id);
            request.Headers.Add(StandardWebhooks.TimestampHeader, h.Timestamp);
            request.Headers.Add(StandardWebhooks.SignatureHeader, h.Signature);
        }

        return await _http.SendAsync(request);
    }

    private static string? Unsigned(SiteAgentProcess agent, HttpResponseMessage response, byte[] body) => StandardWebhooks.Refusal(
        [Key(agent)], response.Headers.GetValues(StandardWebhooks.IdHeader).Single(), response.Headers.GetValues(StandardWebhooks.TimestampHeader).Single(),
        response.Headers.GetValues(StandardWebhooks.SignatureHeader), body, DateTimeOffset.UtcNow);

    private static AgentStepResult Result(byte[] body) =>
        JsonSerializer.Deserialize<AgentStepResult>(body, AgentProtocol.Json) ?? throw new InvalidOperationException(Encoding.UTF8.GetString(body));

    private static string[] Fields(byte[] problem)
    {
        using JsonDocument json = JsonDocument.Parse(problem);
        return [.. json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!)];
    }

    private static bool Alive(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
