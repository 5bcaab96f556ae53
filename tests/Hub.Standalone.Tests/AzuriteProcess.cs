using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hub.Standalone.Tests;

/// <summary>
/// A real Azurite from the repository's node_modules on free loopback ports, started with --skipApiVersionCheck
/// (the v12 SDKs and DTFx speak a newer service version than npm's Azurite). One per test run; tests isolate
/// themselves with unique queue, hub and host names. (The shared fixture in Hub.Testing does not pass the flag yet.)
/// </summary>
public sealed class AzuriteProcess
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static AzuriteProcess? _shared;
    private readonly int _blob, _queue, _table;
    private Process _process;

    private AzuriteProcess(Process process, int blob, int queue, int table)
    {
        _process = process;
        (_blob, _queue, _table) = (blob, queue, table);
        ConnectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteProcess> SharedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.Kill();
            }

            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find Serverless.sln above " + AppContext.BaseDirectory);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An Azurite of the calling test's own, which it may stop and start again (an outage).</summary>
    public static Task<AzuriteProcess> StartPrivateAsync() => StartAsync();

    /// <summary>Kills the process: every request fails until <see cref="RestartAsync"/>.</summary>
    public void Stop() => Kill();

    /// <summary>Starts Azurite again on the same ports (empty: persistence is in memory).</summary>
    public async Task RestartAsync()
    {
        Kill();
        AzuriteProcess fresh = await StartAsync(_blob, _queue, _table);
        _process = fresh._process;
    }

    private static Task<AzuriteProcess> StartAsync() => StartAsync(FreePort(), FreePort(), FreePort());

    private static async Task<AzuriteProcess> StartAsync(int blob, int queue, int table)
    {
        string entry = Path.Combine(RepositoryRoot(), "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException($"Azurite is not installed at {entry}: run 'npm ci' (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                entry, "--inMemoryPersistence", "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--disableProductStyleUrl",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, blob, queue, table);
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (int port in new[] { blob, queue, table })
        {
            while (!await IsListeningAsync(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    azurite.Kill();
                    throw new InvalidOperationException($"Azurite did not start on port {port}.");
                }

                await Task.Delay(100);
            }
        }

        return azurite;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
