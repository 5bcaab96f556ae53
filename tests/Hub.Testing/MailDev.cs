using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hub.Testing;

/// <summary>
/// A real SMTP server for the tests: MailDev (from the repository's node_modules) on free loopback SMTP and web ports,
/// its mail kept in a temporary directory. One process serves a whole test run; a test finds its own mail through
/// MailDev's REST API (<c>GET /api/email</c>) by something unique to it, such as the hub's outbox id.
/// </summary>
public sealed class MailDev : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static MailDev? _shared;
    private readonly NodeProcess _process;
    private readonly string _directory;
    private readonly HttpClient _api;

    private MailDev(NodeProcess process, string directory, int smtpPort, int webPort)
    {
        _process = process;
        _directory = directory;
        SmtpPort = smtpPort;
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort.ToString(CultureInfo.InvariantCulture)}/api/") };
    }

    public int SmtpPort { get; }

    /// <summary>The process-wide instance, started on first use; it exits by itself with the test process.</summary>
    public static async Task<MailDev> SharedAsync()
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

    public static async Task<MailDev> StartAsync()
    {
        int smtp = Azurite.FreePort(), web = Azurite.FreePort();
        string directory = Directory.CreateTempSubdirectory("maildev-").FullName;
        NodeProcess process = NodeProcess.Start(
            "MailDev",
            Path.Combine("maildev", "dist", "bin", "maildev.js"),
            directory,
            "--silent", "--ip", "127.0.0.1", "--web-ip", "127.0.0.1",
            "--smtp", smtp.ToString(CultureInfo.InvariantCulture), "--web", web.ToString(CultureInfo.InvariantCulture),
            "--mail-directory", directory);
        var maildev = new MailDev(process, directory, smtp, web);
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await maildev.IsHealthyAsync().ConfigureAwait(false))
        {
            bool exited = process.HasExited;
            if (exited || DateTime.UtcNow > deadline)
            {
                maildev.Kill();
                throw new InvalidOperationException($"MailDev did not start on ports {smtp}/{web} (exited: {exited}): {process.Output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return maildev;
    }

    /// <summary>
    /// The mails received whose header <paramref name="header"/> is <paramref name="value"/>, as MailDev's REST API
    /// shows them (<c>from</c>, <c>to</c>, <c>subject</c>, <c>headers</c> with lower-case names, <c>text</c>,
    /// <c>html</c>, <c>envelope</c>), as soon as there is one; waits up to <paramref name="within"/> for it.
    /// </summary>
    public async Task<JsonElement[]> WaitForAsync(string header, string value, TimeSpan within)
    {
        DateTime deadline = DateTime.UtcNow + within;
        while (true)
        {
            JsonElement[] found = await FindAsync(header, value).ConfigureAwait(false);
            if (found.Length > 0)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"MailDev received no mail with {header}: {value} within {within}.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>The raw message (RFC 5322) MailDev received under <paramref name="id"/>.</summary>
    public Task<string> SourceAsync(string id) => _api.GetStringAsync($"email/{Uri.EscapeDataString(id)}/source");

    private async Task<JsonElement[]> FindAsync(string header, string value)
    {
        JsonElement all = await _api.GetFromJsonAsync<JsonElement>("email").ConfigureAwait(false);
        return [.. all.EnumerateArray().Where(m => m.GetProperty("headers").TryGetProperty(header.ToLowerInvariant(), out JsonElement h)
            && h.ValueKind == JsonValueKind.String && h.GetString() == value)];
    }

    private async Task<bool> IsHealthyAsync()
    {
        try
        {
            return (await _api.GetAsync("healthz").ConfigureAwait(false)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private void Kill()
    {
        _process.Kill();
        _api.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the exiting process: the temp directory is cleaned up by the system.
        }
    }
}
