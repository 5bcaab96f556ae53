using System.Collections.Concurrent;
using System.Globalization;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hub.Functions.Tests.Support;

/// <summary>
/// A provider's Sync-URL: a real Kestrel on a free loopback port serving files by path over plain HTTP GET, as a
/// repository mirror does. Records every path asked for; a file may be slowed to test the fetch time limit.
/// </summary>
internal sealed class FakeSyncServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSyncServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, TimeSpan> Delays { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Paths whose answer announces the whole file, sends half of it, then drops the connection.</summary>
    public ConcurrentDictionary<string, bool> Drops { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths whose next answers are these statuses (one per request), before the file is served.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<int>> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths answered with a 302 to the given URL.</summary>
    public ConcurrentDictionary<string, string> Redirects { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeSyncServer> StartAsync()
    {
        string url = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}";
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        FakeSyncServer? server = null;
        app.MapGet("/{**path}", async (string path, HttpContext http) =>
        {
            server!.Requests.Enqueue(path);
            if (server.Delays.TryGetValue(path, out TimeSpan delay))
            {
                await Task.Delay(delay, http.RequestAborted);
            }

            if (server.Drops.ContainsKey(path) && server.Files.TryGetValue(path, out byte[]? partial))
            {
                http.Response.ContentType = "application/octet-stream";
                http.Response.ContentLength = partial.Length;
                await http.Response.Body.WriteAsync(partial.AsMemory(0, partial.Length / 2), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                http.Abort();
                return Results.Empty;
            }

            if (server.Failures.TryGetValue(path, out ConcurrentQueue<int>? failures) && failures.TryDequeue(out int status))
            {
                return Results.StatusCode(status);
            }

            if (server.Redirects.TryGetValue(path, out string? location))
            {
                return Results.Redirect(location);
            }

            return server.Files.TryGetValue(path, out byte[]? content) ? Results.Bytes(content, "application/octet-stream") : Results.NotFound();
        });
        server = new FakeSyncServer(app, new Uri(url + "/"));
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
