using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hub.Storage.Account;

namespace Hub.Testing;

/// <summary>
/// A real Azurite (from the repository's node_modules) on free loopback ports with in-memory persistence. One process
/// serves a whole test run (<see cref="SharedAsync"/>); tests isolate themselves with unique table, container and queue
/// names. A test that takes storage away (an outage) starts one of its own (<see cref="StartAsync(bool)"/>), on disk
/// when its data must outlive a restart.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Azurite? _shared;
    private readonly string? _location;
    private NodeProcess _process;

    private Azurite(NodeProcess process, int blobPort, int queuePort, int tablePort, string? location)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _location = location;
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

    /// <summary>The process-wide instance, started on first use; it exits by itself with the test process.</summary>
    public static async Task<Azurite> SharedAsync()
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

    /// <summary>
    /// An Azurite of the calling test's own, which it may <see cref="Stop"/>, <see cref="Pause"/> and
    /// <see cref="RestartAsync"/>; disposing it kills it (and it exits by itself with the test process). In memory,
    /// a restart starts it empty; <paramref name="persistent"/> keeps its data in a temporary directory of its own
    /// (Azurite's <c>--location</c>, deleted on dispose), so that a restart after <see cref="ShutDownAsync"/> finds
    /// everything it acknowledged.
    /// </summary>
    public static async Task<Azurite> StartAsync(bool persistent = false)
    {
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        string? location = persistent ? Directory.CreateTempSubdirectory("azurite-").FullName : null;
        return new Azurite(await LaunchAsync(blob, queue, table, location).ConfigureAwait(false), blob, queue, table, location);
    }

    /// <summary>
    /// Kills this Azurite (SIGKILL): every request fails until <see cref="RestartAsync"/>. On disk that is a crash:
    /// Azurite keeps its metadata in LokiJS databases saved every 5 s (autosaveInterval) and on shutdown only, so a
    /// kill loses what it acknowledged in the last seconds; <see cref="ShutDownAsync"/> keeps it.
    /// </summary>
    public void Stop()
    {
        ThrowIfShared();
        _process.Kill();
    }

    /// <summary>
    /// Stops this Azurite as SIGTERM does: it refuses new requests and saves its databases, then the process is
    /// ended (the wrapper that binds it to the test process would keep it alive). Everything it acknowledged is on disk.
    /// </summary>
    public async Task ShutDownAsync()
    {
        ThrowIfShared();
        _process.Signal("TERM");
        // azurite.js closes the three services on SIGTERM and prints this once each one's database is saved.
        await _process.WaitForOutputAsync("successfully closed", 3, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _process.Kill();
    }

    /// <summary>
    /// Freezes this Azurite (SIGSTOP): the system still accepts connections on its ports, but no request is answered
    /// until <see cref="Resume"/> (SIGCONT): a storage account that hangs rather than refuses.
    /// </summary>
    public void Pause()
    {
        ThrowIfShared();
        _process.Signal("STOP");
    }

    public void Resume() => _process.Signal("CONT");

    /// <summary>
    /// Starts this Azurite again on the same ports (stopping it first if it still runs): empty in memory, with what it
    /// had saved when persistent.
    /// </summary>
    public async Task RestartAsync()
    {
        Stop();
        _process = await LaunchAsync(BlobPort, QueuePort, TablePort, _location).ConfigureAwait(false);
    }

    public StorageAccount Account(StorageClientOptions? options = null) => StorageAccount.Parse(ConnectionString, options);

    /// <summary>A name unique to this test, valid for tables, containers and queues (lower-case letters and digits).</summary>
    public static string UniqueName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..20];

    public ValueTask DisposeAsync()
    {
        // A paused process dies of SIGKILL all the same.
        _process.Kill();
        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temporary directory; nothing depends on it.
            }
        }

        return ValueTask.CompletedTask;
    }

    // Every other test of the run uses the shared one.
    private void ThrowIfShared()
    {
        if (ReferenceEquals(this, _shared))
        {
            throw new InvalidOperationException("The shared Azurite cannot be stopped: start one of the test's own with Azurite.StartAsync().");
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

        throw new InvalidOperationException("Cannot find the repository root (Serverless.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// A port nothing listens on (tcpmux, 1): connections to it are refused at once. Storage "down" for tests; a free
    /// port would do only until another process of the run takes it and answers.
    /// </summary>
    public const int DeadPort = 1;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<NodeProcess> LaunchAsync(int blob, int queue, int table, string? location)
    {
        string[] persistence = location is null ? ["--inMemoryPersistence"] : ["--location", location];
        NodeProcess process = NodeProcess.Start(
            "Azurite",
            Path.Combine("azurite", "dist", "src", "azurite.js"),
            // Azurite writes its debug and extent files relative to the working directory; keep them out of the tree.
            location ?? Path.GetTempPath(),
            // npm serves Azurite 3.35 here, older than the Azure SDKs' default service versions: without
            // --skipApiVersionCheck it refuses their x-ms-version.
            [.. persistence, "--silent", "--disableTelemetry", "--disableProductStyleUrl", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(CultureInfo.InvariantCulture)]);
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await IsListeningAsync(blob).ConfigureAwait(false) && await IsListeningAsync(queue).ConfigureAwait(false)
                 && await IsListeningAsync(table).ConfigureAwait(false)))
        {
            bool exited = process.HasExited;
            if (exited || DateTime.UtcNow > deadline)
            {
                process.Kill();
                throw new InvalidOperationException($"Azurite did not start on ports {blob}/{queue}/{table} (exited: {exited}): {process.Output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return process;
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
