using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hub.Testing;

/// <summary>
/// A real Request Tracker 5 (Debian's request-tracker5, rt5-db-sqlite, rt5-standalone; scripts/lib.sh ensure_rt) of
/// the test run's own: its SQLite database and site configuration in a temporary directory (RT_SITE_CONFIG and an
/// empty RT_SITE_CONFIG_DIR, so the machine's /etc/request-tracker5 is never read), set up by the repository's
/// connectors/rt/hub-setup.pl exactly as an RT admin runs it (the hub's user, its token, its rights, the queues and
/// RolloutProgress on the release queue), served by <c>rt-server</c> on a free loopback port with the repository's
/// scrip modules (connectors/rt/lib) on its Perl path. One instance serves the whole run (<see cref="SharedAsync"/>);
/// tests isolate themselves with tickets and queues of their own. The server runs under parent-bound.pl, so it exits
/// with the test process however that ends.
/// </summary>
public sealed class RealRt
{
    /// <summary>The hub's RT user, as hub-setup.pl creates it.</summary>
    public const string HubUser = "integration-hub";

    /// <summary>A person working in RT (a SuperUser), whose changes the scrip posts to the hub.</summary>
    public const string StaffUser = "rt-staff";

    /// <summary>The queue hand-offs go to in these tests.</summary>
    public const string TeamQueue = "Archive-Team";

    /// <summary>The release queue, the hub's releases.queue.</summary>
    public const string ReleaseQueue = "sw-rel";

    private const string Share = "/usr/share/request-tracker5";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static RealRt? _shared;
    private readonly Process _server;
    private readonly StringBuilder _output;
    private readonly HttpClient _client;

    private RealRt(string directory, Uri baseAddress, Process server, StringBuilder output, string hubToken, string staffToken)
    {
        _output = output;
        Directory = directory;
        BaseAddress = baseAddress;
        _server = server;
        HubToken = hubToken;
        StaffToken = staffToken;
        _client = new HttpClient { BaseAddress = new Uri(baseAddress, "/REST/2.0/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Directory { get; }

    /// <summary>RT's web root, what the hub's connector url is set to.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The hub user's auth token, as hub-setup.pl --token-file wrote it.</summary>
    public string HubToken { get; }

    public string StaffToken { get; }

    /// <summary>What rt-server wrote so far, for the message of a failed test.</summary>
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

    /// <summary>The run's RT, set up and started on first use (about 15 s).</summary>
    public static async Task<RealRt> SharedAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _shared ??= await StartAsync().ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>REST2 <c>GET</c> as the hub's user (or <paramref name="token"/>): the parsed answer; anything but 2xx fails the test.</summary>
    public async Task<JsonElement> GetAsync(string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("token", token ?? HubToken);
        using HttpResponseMessage response = await _client.SendAsync(request).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Xunit.Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        using JsonDocument json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }

    /// <summary>REST2 <c>POST</c> or <c>PUT</c> of a JSON body as <paramref name="token"/>: the status and the parsed answer.</summary>
    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string json, string token)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("token", token);
        using HttpResponseMessage response = await _client.SendAsync(request).ConfigureAwait(false);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return ((int)response.StatusCode, answer.RootElement.Clone());
    }

    /// <summary>The ticket as REST2 shows it to the hub's user.</summary>
    public Task<JsonElement> TicketAsync(string id) => GetAsync($"ticket/{id}");

    /// <summary>Runs connectors/rt/hub-setup.pl against this RT with <paramref name="arguments"/>; what it wrote on standard output.</summary>
    public Task<string> SetupAsync(params string[] arguments) => RunAsync(Directory, "perl", [SetupScript(), .. arguments]);

    /// <summary>Runs Perl with RT loaded and initialised (<c>use RT; RT::LoadConfig; RT::Init</c>) before <paramref name="code"/>; what it wrote on standard output.</summary>
    public Task<string> PerlAsync(string code) =>
        RunAsync(Directory, "perl", [$"-I{Share}/lib", "-e", "use strict; use warnings; use RT; RT::LoadConfig(); RT::Init(); " + code]);

    private static string SetupScript() => Path.Combine(Azurite.RepositoryRoot(), "connectors", "rt", "hub-setup.pl");

    private static async Task<RealRt> StartAsync()
    {
        if (!File.Exists($"{Share}/libexec/rt-server"))
        {
            throw new InvalidOperationException(
                "Request Tracker 5 is not installed (Debian's request-tracker5, rt5-db-sqlite, rt5-standalone): scripts/test.sh installs them (scripts/lib.sh ensure_rt).");
        }

        RemoveOrphans();
        string directory = System.IO.Directory.CreateTempSubdirectory("hub-rt-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "owner"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        int port = Azurite.FreePort();
        foreach (string sub in new[] { "site.d", "mason", "session", "var" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        string db = Path.Combine(directory, "rt.db");
        await File.WriteAllTextAsync(Path.Combine(directory, "RT_SiteConfig.pm"), $$"""
            Set($rtname, 'hub-test');
            Set($Organization, 'hub-test.example.org');
            Set($DatabaseType, 'SQLite');
            Set($DatabaseName, '{{db}}');
            Set($WebDomain, '127.0.0.1');
            Set($WebPort, {{port.ToString(CultureInfo.InvariantCulture)}});
            Set($WebPath, '');
            Set($WebBaseURL, 'http://127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}}');
            Set($LogToSTDERR, 'warning');
            Set($LogToSyslog, undef);
            Set($LogToFile, undef);
            Set($MailCommand, 'testfile');
            $RT::MasonDataDir = '{{directory}}/mason';
            $RT::MasonSessionDir = '{{directory}}/session';
            $RT::VarPath = '{{directory}}/var';
            1;
            """).ConfigureAwait(false);

        await RunAsync(directory, $"/usr/sbin/rt-setup-database-5", ["--action", "init", "--skip-create"]).ConfigureAwait(false);
        // The admin's script, as docs/connectors.md tells an RT admin to run it; the staff user is the tests' own.
        string tokenFile = Path.Combine(directory, "hub-token");
        Task setup = RunAsync(directory, "perl", [SetupScript(), "--queue", TeamQueue, "--release-queue", ReleaseQueue, "--create-queues", "--token-file", tokenFile]);
        string staffFile = Path.Combine(directory, "staff-token");
        var output = new StringBuilder();
        Process server = Serve(directory, port, output);
        try
        {
            await setup.ConfigureAwait(false);
            await RunAsync(directory, "perl", [$"-I{Share}/lib", "-e", $$"""
                use strict; use warnings; use RT; RT::LoadConfig(); RT::Init();
                my $u = RT::User->new(RT->SystemUser);
                my ($id, $msg) = $u->Create(Name => '{{StaffUser}}', EmailAddress => 'rt-staff@example.org', Privileged => 1);
                die "staff: $msg" unless $id;
                ($id, $msg) = $u->PrincipalObj->GrantRight(Right => 'SuperUser', Object => $RT::System);
                die "staff: $msg" unless $id;
                my ($tid, $tmsg, $token) = RT::AuthToken->new(RT->SystemUser)->Create(Owner => $u->id, Description => 'tests');
                die "staff token: $tmsg" unless $tid;
                open(my $fh, '>', '{{staffFile}}') or die $!; print $fh $token; close $fh;
                # The release queue's other fields, which an RT admin running the release workflow has (the hub reads
                # ReleaseXml and SyncURL from a created release ticket).
                my $queue = RT::Queue->new(RT->SystemUser); $queue->Load('{{ReleaseQueue}}');
                for my $name (qw(ReleaseXml SyncURL)) {
                    my $cf = RT::CustomField->new(RT->SystemUser);
                    my ($cid, $cmsg) = $cf->Create(Name => $name, Type => 'Freeform', MaxValues => 1, LookupType => RT::Ticket->CustomFieldLookupType);
                    die "$name: $cmsg" unless $cid;
                    ($cid, $cmsg) = $cf->AddToObject($queue);
                    die "$name: $cmsg" unless $cid;
                }
                """]).ConfigureAwait(false);
            var rt = new RealRt(directory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), server, output,
                (await File.ReadAllTextAsync(tokenFile).ConfigureAwait(false)).Trim(), (await File.ReadAllTextAsync(staffFile).ConfigureAwait(false)).Trim());
            await rt.WaitUntilServingAsync(TimeSpan.FromSeconds(90)).ConfigureAwait(false);
            return rt;
        }
        catch
        {
            server.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>
    /// Deletes the directories of runs whose test process is gone: dotnet test may kill the whole process tree, the
    /// wrapper's clean-up (<c>--remove</c>) with it.
    /// </summary>
    private static void RemoveOrphans()
    {
        foreach (string dir in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), "hub-rt-*"))
        {
            string owner = Path.Combine(dir, "owner");
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), CultureInfo.InvariantCulture, out int pid) || Alive(pid))
            {
                continue;
            }

            try
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Another run is deleting it.
            }
        }
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

    private static Process Serve(string directory, int port, StringBuilder output)
    {
        var start = new ProcessStartInfo("perl")
        {
            ArgumentList =
            {
                Path.Combine(Azurite.RepositoryRoot(), "tests", "Hub.Testing", "parent-bound.pl"),
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                // The database and configuration go with the server: nothing of a run is left in /tmp.
                "--remove", directory,
                $"{Share}/libexec/rt-server", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                // Two workers for two cores: the hub's calls and a test's reads, while a scrip posts to a hub.
                "--max-workers", "2",
            },
            // Never written to: the wrapper ends RT when the system closes this pipe with this process.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        Configure(start, directory);
        Process server = Process.Start(start) ?? throw new InvalidOperationException("Could not start rt-server.");
        server.OutputDataReceived += (_, e) => Append(output, e.Data);
        server.ErrorDataReceived += (_, e) => Append(output, e.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private static void Configure(ProcessStartInfo start, string directory)
    {
        start.Environment["RT_SITE_CONFIG"] = Path.Combine(directory, "RT_SiteConfig.pm");
        start.Environment["RT_SITE_CONFIG_DIR"] = Path.Combine(directory, "site.d");
        // The scrip's modules where an RT admin would copy them (docs/connectors.md), here straight from the repository.
        start.Environment["PERL5LIB"] = Path.Combine(Azurite.RepositoryRoot(), "connectors", "rt", "lib");
    }

    private static async Task<string> RunAsync(string directory, string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Configure(start, directory);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        // Standard output only: RT logs its warnings on standard error, which a failure reports.
        string written = await output.ConfigureAwait(false);
        string logged = await error.ConfigureAwait(false);
        return process.ExitCode == 0 ? written : throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {written}{logged}");
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"rt-server exited with {_server.ExitCode}: {Output}");
            }

            try
            {
                // 401 without a token: RT is up and REST2 answers.
                using HttpResponseMessage response = await _client.GetAsync("queues/all").ConfigureAwait(false);
                if ((int)response.StatusCode == 401)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"rt-server did not answer within {timeout}: {Output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
