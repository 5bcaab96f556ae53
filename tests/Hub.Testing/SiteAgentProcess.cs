using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Testing;

/// <summary>
/// The reference site agent (agents/Hub.Agent) as a process of its own on a free loopback port, bound to this test
/// process through <c>parent-bound.pl</c> so it never outlives the run, with a state directory of its own unless
/// told one (a restarted agent is given the old one).
/// </summary>
public sealed class SiteAgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _ownState;

    private SiteAgentProcess(Process process, Uri url, string secret, string stateDirectory, bool ownState)
    {
        _process = process;
        Url = url;
        Secret = secret;
        StateDirectory = stateDirectory;
        _ownState = ownState;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public Uri StepsUrl => new(Url, "steps");

    public string Secret { get; }

    public string StateDirectory { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Where the stand-in service's executable is, for start commands: <c>dotnet {SiteServiceDll} --port N --name X</c>.</summary>
    public static string SiteServiceDll => Binary("Hub.SiteService.dll");

    public static async Task<SiteAgentProcess> StartAsync(SiteAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string secret = options.Secret ?? "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        string state = options.StateDirectory ?? Directory.CreateTempSubdirectory("site-agent-").FullName;
        for (int attempt = 1; ; attempt++)
        {
            int port = Azurite.FreePort();
            var start = new ProcessStartInfo("perl")
            {
                ArgumentList =
                {
                    Path.Combine(Azurite.RepositoryRoot(), "tests", "Hub.Testing", "parent-bound.pl"),
                    Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                    "dotnet", Binary("Hub.Agent.dll"), "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                },
                // Never written to: the wrapper ends the agent when the system closes this pipe with this process.
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = state,
            };
            foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("Agent__", StringComparison.OrdinalIgnoreCase) || k == "ASPNETCORE_URLS").ToList())
            {
                start.Environment.Remove(key);
            }

            start.Environment["Agent__Secret"] = secret;
            start.Environment["Agent__StateDirectory"] = state;
            start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
            if (options.AnswerWithin is { } within)
            {
                start.Environment["Agent__AnswerWithin"] = within.ToString("c", CultureInfo.InvariantCulture);
            }

            foreach ((string service, IReadOnlyDictionary<string, string> commands) in options.Services)
            {
                foreach ((string command, string shell) in commands)
                {
                    start.Environment[$"Agent__Services__{service}__{command}"] = shell;
                }
            }

            foreach ((string key, string value) in options.Environment ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }

            var agent = new SiteAgentProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start perl for the agent."),
                new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), secret, state, options.StateDirectory is null);
            if (await agent.WaitForHealthAsync(TimeSpan.FromSeconds(30)))
            {
                return agent;
            }

            await agent.KillAsync();
            if (attempt == 3 || !agent.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The agent did not answer /health: {agent.Output}");
            }
        }
    }

    /// <summary>SIGKILL of the agent: no step record it had not written survives.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (_ownState)
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // the system cleans its temp folder
            }
        }
    }

    private async Task<bool> WaitForHealthAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri(Url, "health"))).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static string Binary(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{name} is not beside the tests at {path}: build the solution (scripts/test.sh does).");
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <param name="Services">Service -> command (start, stop, status, install, configure) -> the shell command.</param>
public sealed record SiteAgentOptions(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Services)
{
    /// <summary>The agent's secret; a new random one when null.</summary>
    public string? Secret { get; init; }

    public TimeSpan? AnswerWithin { get; init; }

    /// <summary>A state directory to use (a restarted agent's); a new temporary one when null.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>More environment for the agent and so for its commands.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}
