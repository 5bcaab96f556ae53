using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hub.Storage.Account;

namespace Hub.Testing;

/// <summary>
/// A real Azurite (from the repository's node_modules) on free loopback ports with in-memory persistence. One process
/// serves a whole test run; tests isolate themselves with unique table, container and queue names.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Azurite? _shared;
    private readonly Process _process;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;" +
        $"AccountName={StorageConnectionString.DevelopmentAccountName};" +
        $"AccountKey={StorageConnectionString.DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{StorageConnectionString.DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{StorageConnectionString.DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{StorageConnectionString.DevelopmentAccountName};";

    /// <summary>The process-wide instance, started on first use and killed when the test process exits.</summary>
    public static async Task<Azurite> SharedAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync().ConfigureAwait(false);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.Kill();
            }

            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<Azurite> StartAsync()
    {
        string root = RepositoryRoot();
        string entry = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException($"Azurite is not installed at {entry}: run 'npm ci' in {root} (scripts/test.sh does).");
        }

        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                // npm serves Azurite 3.35 here, older than the Azure SDKs' default service versions: without
                // --skipApiVersionCheck it refuses their x-ms-version.
                entry, "--inMemoryPersistence", "--silent", "--disableTelemetry", "--disableProductStyleUrl", "--skipApiVersionCheck",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Azurite writes its debug and extent files relative to the working directory; keep them out of the tree.
            WorkingDirectory = Path.GetTempPath(),
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new Azurite(process, blob, queue, table);
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await IsListeningAsync(blob).ConfigureAwait(false) && await IsListeningAsync(queue).ConfigureAwait(false)
                 && await IsListeningAsync(table).ConfigureAwait(false)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                azurite.Kill();
                throw new InvalidOperationException($"Azurite did not start on ports {blob}/{queue}/{table} (exited: {process.HasExited}): {output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return azurite;
    }

    public StorageAccount Account(StorageClientOptions? options = null) => StorageAccount.Parse(ConnectionString, options);

    /// <summary>A name unique to this test, valid for tables, containers and queues (lower-case letters and digits).</summary>
    public static string UniqueName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..20];

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
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

        throw new InvalidOperationException("Cannot find the repository root (Serverless.sln) above " + AppContext.BaseDirectory);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
