using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Hub.Functions.Tests.Support;
using Hub.Testing;

namespace Hub.Functions.Tests.Sites;

/// <summary>
/// A site of real local processes for the run tests (issue #13): one reference agent (<see cref="SiteAgentProcess"/>)
/// runs <c>svc.sh</c> for every service, and each node is a stand-in service (<c>Hub.SiteService</c>) on a port of
/// its own, which ends by itself when this test process is gone. What the script did is in files of the
/// lab's directory: <c>steps.log</c> (each step id the agent ran, once per run of the command) and
/// <c>starts.log</c> (at each start, which nodes answered at that moment: the order probe).
/// </summary>
internal sealed class SiteLab : IAsyncDisposable
{
    public const string OperatorKey = "site-lab-operator-key-0123456789";
    public const string AgentName = "lab";

    // The stand-in for every service. A start probes every node first (the order probe), then starts its node and
    // returns only once the node answers; a stop returns once it no longer does; status asks it. A file <node>.fail
    // makes its start fail with the file's text, <node>.slow delays its start by that many seconds.
    private const string Script = """
        #!/bin/sh
        set -u
        node="$HUB_NODE"; dir="$SITE_DIR"
        port=$(cat "$dir/$node.port")
        echo "$HUB_STEP_ID" >> "$dir/steps.log"
        up() { curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; }
        case "$HUB_COMMAND" in
          start)
            seen=""
            for f in "$dir"/*.port; do
              n=$(basename "$f" .port)
              if up "$(cat "$f")"; then seen="$seen $n=up"; else seen="$seen $n=down"; fi
            done
            echo "$node:$seen" >> "$dir/starts.log"
            if [ -e "$dir/$node.fail" ]; then echo "$node cannot start: $(cat "$dir/$node.fail")"; exit 1; fi
            if [ -e "$dir/$node.slow" ]; then sleep "$(cat "$dir/$node.slow")"; fi
            setsid dotnet "$SITE_SERVICE" --port "$port" --name "$node" --parent "$SITE_PARENT" > "$dir/$node.out" 2>&1 < /dev/null &
            echo $! > "$dir/$node.pid"
            i=0
            until up "$port"; do
              i=$((i+1)); if [ $i -gt 300 ]; then echo "$node not listening on $port after 30 s"; exit 1; fi
              sleep 0.1
            done
            echo "$node listening on $port";;
          stop)
            if [ -e "$dir/$node.pid" ]; then kill "$(cat "$dir/$node.pid")" 2>/dev/null; fi
            i=0
            while up "$port"; do
              i=$((i+1)); if [ $i -gt 100 ]; then echo "$node still answering on $port"; exit 1; fi
              sleep 0.1
            done
            rm -f "$dir/$node.pid"; echo "$node stopped";;
          status)
            if up "$port"; then echo "$node up on $port"; else echo "$node: nothing answers on $port"; exit 3; fi;;
          install)
            cp "$dir/version" "$dir/$node.version"; echo "$node installed $(cat "$dir/version")";;
          configure)
            echo "$node configured";;
        esac
        """;

    private static readonly string[] Commands = ["start", "stop", "status", "install", "configure"];

    private readonly Dictionary<string, int> _ports;

    private SiteLab(string directory, SiteAgentProcess agent, Dictionary<string, int> ports)
    {
        Directory = directory;
        Agent = agent;
        _ports = ports;
    }

    public string Directory { get; }

    public SiteAgentProcess Agent { get; }

    /// <summary>A lab with a node per name in <paramref name="nodes"/> for each service (the service -> its nodes).</summary>
    public static async Task<SiteLab> StartAsync(IReadOnlyDictionary<string, string[]> nodes, TimeSpan? answerWithin = null)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("site-lab-").FullName;
        File.WriteAllText(Path.Combine(directory, "svc.sh"), Script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.WriteAllText(Path.Combine(directory, "version"), "1.0\n");
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string node in nodes.Values.SelectMany(n => n))
        {
            ports[node] = Azurite.FreePort();
            File.WriteAllText(Path.Combine(directory, node + ".port"), ports[node].ToString(CultureInfo.InvariantCulture));
        }

        string run = $"sh {Path.Combine(directory, "svc.sh")}";
        SiteAgentProcess agent = await SiteAgentProcess.StartAsync(new SiteAgentOptions(
            nodes.Keys.ToDictionary(s => s, IReadOnlyDictionary<string, string> (_) => Commands.ToDictionary(c => c, _ => run)))
        {
            AnswerWithin = answerWithin,
            Environment = new Dictionary<string, string>
            {
                ["SITE_DIR"] = directory,
                ["SITE_SERVICE"] = SiteAgentProcess.SiteServiceDll,
                ["SITE_PARENT"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            },
        });
        return new SiteLab(directory, agent, ports);
    }

    /// <summary>The hub's settings for this lab's agent and an operator key.</summary>
    public Dictionary<string, string?> HubSettings() => new()
    {
        [$"Hub__Agents__{AgentName}__Url"] = Agent.Url.AbsoluteUri,
        [$"Hub__Agents__{AgentName}__Secret"] = Agent.Secret,
        ["Hub__ApiKeys__lab-operator"] = $"operator:{OperatorKey}",
    };

    /// <summary>A catalog record for <paramref name="service"/>: tier LIVE, the given nodes in <paramref name="serverTier"/>, all on the lab's agent.</summary>
    public object Service(string service, int rank, string serverTier, params string[] nodes) => new
    {
        name = service,
        startupRank = rank,
        owners = new[] { $"{service}-owners@example.org" },
        tiers = new[] { new { name = "LIVE", agentUrl = Agent.StepsUrl.AbsoluteUri, nodes = nodes.Select(n => new { name = n, serverTier }).ToArray() } },
    };

    public bool IsUp(string node)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, _ports[node]);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Whether the node answers an HTTP GET with its name within half a second.</summary>
    public async Task<bool> AnswersAsync(HttpClient http, string node)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            return (await http.GetStringAsync(new Uri($"http://127.0.0.1:{_ports[node].ToString(CultureInfo.InvariantCulture)}/"), cts.Token)).Contains(node, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    public string[] Lines(string file) => File.Exists(Path.Combine(Directory, file)) ? File.ReadAllLines(Path.Combine(Directory, file)) : [];

    public void Write(string file, string text) => File.WriteAllText(Path.Combine(Directory, file), text);

    public void Remove(string file) => File.Delete(Path.Combine(Directory, file));

    public static async Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, object? body = null, string key = OperatorKey, string? ifMatch = null) =>
        await SendAsync(hub.Client, method, path, body, key, ifMatch);

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, object? body = null, string key = OperatorKey, string? ifMatch = null)
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

        return await http.SendAsync(request);
    }

    /// <summary>Stores the services and the site through the API, as an operator would.</summary>
    public static async Task DefineAsync(HttpClient http, string site, IEnumerable<object> services, params string[] members)
    {
        foreach (object service in services)
        {
            string name = (string)service.GetType().GetProperty("name")!.GetValue(service)!;
            HttpResponseMessage put = await SendAsync(http, HttpMethod.Put, $"/api/catalog/services/{name}", service, ifMatch: "*");
            Xunit.Assert.True(put.IsSuccessStatusCode, $"PUT service {name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }

        HttpResponseMessage stored = await SendAsync(http, HttpMethod.Put, $"/api/sites/{site}", new
        {
            name = site,
            recipientLists = new[] { $"{site}-ops@example.org" },
            services = members.Select(m => new { service = m }).ToArray(),
        }, ifMatch: "*");
        Xunit.Assert.True(stored.IsSuccessStatusCode, $"PUT site {site}: {(int)stored.StatusCode} {await stored.Content.ReadAsStringAsync()}");
    }

    /// <summary>Starts a command and waits for the run to end; the run as <c>GET /api/sites/{site}/runs/{runId}</c> shows it.</summary>
    public static async Task<JsonElement> RunAsync(HttpClient http, string site, object command, TimeSpan? timeout = null)
    {
        string runId = await StartRunAsync(http, site, command);
        return await WaitForRunAsync(http, site, runId, timeout);
    }

    public static async Task<string> StartRunAsync(HttpClient http, string site, object command)
    {
        HttpResponseMessage accepted = await SendAsync(http, HttpMethod.Post, $"/api/sites/{site}/commands", command);
        string text = await accepted.Content.ReadAsStringAsync();
        Xunit.Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode} {text}");
        using JsonDocument json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("runId").GetString()!;
    }

    public static async Task<JsonElement> ReadRunAsync(HttpClient http, string site, string runId)
    {
        HttpResponseMessage read = await SendAsync(http, HttpMethod.Get, $"/api/sites/{site}/runs/{runId}");
        string text = await read.Content.ReadAsStringAsync();
        Xunit.Assert.True(read.StatusCode == HttpStatusCode.OK, $"{(int)read.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> WaitForRunAsync(HttpClient http, string site, string runId, TimeSpan? timeout = null)
    {
        JsonElement run = default;
        await HubState.WaitUntilAsync(async () =>
        {
            run = await ReadRunAsync(http, site, runId);
            return Outcome(run) != "running";
        }, timeout ?? TimeSpan.FromSeconds(90));
        return run;
    }

    public static string Outcome(JsonElement run) => run.GetProperty("run").GetProperty("outcome").GetString()!.ToLowerInvariant();

    /// <summary>Each step as "command service@node status", in run order.</summary>
    public static string[] Steps(JsonElement run) =>
        [.. run.GetProperty("steps").EnumerateArray().Select(s =>
            $"{s.GetProperty("command").GetString()!.ToLowerInvariant()} {s.GetProperty("node").GetString()} {s.GetProperty("status").GetString()!.ToLowerInvariant()}")];

    public static string Output(JsonElement run, string node, string command) =>
        run.GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("node").GetString() == node && string.Equals(s.GetProperty("command").GetString(), command, StringComparison.OrdinalIgnoreCase))
            .GetProperty("output").GetString() ?? "";

    public async ValueTask DisposeAsync()
    {
        // The stand-ins are bound to this process; end them now rather than when the run ends.
        foreach (string pid in System.IO.Directory.GetFiles(Directory, "*.pid"))
        {
            if (int.TryParse(File.ReadAllText(pid).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(id);
                    process.Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                    // gone already
                }
            }
        }

        await Agent.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a stand-in still writing its log: the temp folder is cleaned up by the system
        }
    }
}
