using System.Text.Json;
using Azure;
using Hub.Functions.Hosting;
using Hub.Storage.Account;
using Hub.Storage.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Functions.Tests.Hosting;

public sealed class StorageExceptionHandlerTests
{
    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(0)] // transport failure: connection refused, DNS
    public async Task TryHandle_StorageUnavailable_Answers503ProblemWithRetryAfter(int storageStatus)
    {
        (DefaultHttpContext context, StorageExceptionHandler handler) = Create();

        bool handled = await handler.TryHandleAsync(context, new RequestFailedException(storageStatus, "server busy", "ServerBusy", null), default);

        Assert.True(handled);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("30", context.Response.Headers.RetryAfter.ToString());
        JsonElement problem = Body(context);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("Storage unavailable", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task TryHandle_SdkRetriesSpentOnADeadEndpoint_Answers503ProblemWithRetryAfter()
    {
        (DefaultHttpContext context, StorageExceptionHandler handler) = Create();
        const int dead = Hub.Testing.Azurite.DeadPort;
        string account = StorageConnectionString.DevelopmentAccountName;
        var options = new StorageClientOptions { MaxRetries = 2, RetryMode = Azure.Core.RetryMode.Fixed, RetryDelay = TimeSpan.FromMilliseconds(10) };
        StorageAccount storage = StorageAccount.Parse(
            $"AccountName={account};AccountKey={StorageConnectionString.DevelopmentAccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{dead}/{account};QueueEndpoint=http://127.0.0.1:{dead}/{account};TableEndpoint=http://127.0.0.1:{dead}/{account}",
            options);
        Exception thrown = await Assert.ThrowsAnyAsync<Exception>(() => storage.GetTableClient("hub").GetEntityOrDefaultAsync("p", "r"));

        bool handled = await handler.TryHandleAsync(context, thrown, default);

        Assert.True(handled);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("30", context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task TryHandle_StorageCutsEveryResponseShort_Answers503ProblemWithRetryAfter()
    {
        // A storage endpoint that answers each request with headers promising a body and then closes the connection
        // (as storage shutting down mid-answer does): the SDK retries the IOException and then throws it, raw or in
        // an AggregateException. A CI run once answered such a case 500.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        Task serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using System.Net.Sockets.TcpClient connection = await listener.AcceptTcpClientAsync(stop.Token);
                System.Net.Sockets.NetworkStream stream = connection.GetStream();
                byte[] buffer = new byte[8192];
                _ = await stream.ReadAsync(buffer, stop.Token);
                byte[] cut = System.Text.Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"Pa");
                await stream.WriteAsync(cut, stop.Token);
            }
        });
        (DefaultHttpContext context, StorageExceptionHandler handler) = Create();
        string account = StorageConnectionString.DevelopmentAccountName;
        var options = new StorageClientOptions { MaxRetries = 1, RetryMode = Azure.Core.RetryMode.Fixed, RetryDelay = TimeSpan.FromMilliseconds(10) };
        StorageAccount storage = StorageAccount.Parse(
            $"AccountName={account};AccountKey={StorageConnectionString.DevelopmentAccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{port}/{account};QueueEndpoint=http://127.0.0.1:{port}/{account};TableEndpoint=http://127.0.0.1:{port}/{account}",
            options);
        Exception thrown = await Assert.ThrowsAnyAsync<Exception>(() => storage.GetTableClient("hub").GetEntityOrDefaultAsync("p", "r"));
        await stop.CancelAsync();

        bool handled = await handler.TryHandleAsync(context, thrown, default);

        Assert.True(handled);
        Assert.True(503 == context.Response.StatusCode, $"{thrown.GetType().Name} ({thrown.Message}) was answered {context.Response.StatusCode}");
        Assert.Equal("30", context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task TryHandle_UnexpectedException_Answers500ProblemWithoutDetailsOrStack()
    {
        (DefaultHttpContext context, StorageExceptionHandler handler) = Create();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("secret internals");
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        bool handled = await handler.TryHandleAsync(context, thrown, default);

        Assert.True(handled);
        Assert.Equal(500, context.Response.StatusCode);
        string text = JsonSerializer.Serialize(Body(context));
        Assert.DoesNotContain("secret internals", text, StringComparison.Ordinal);
        Assert.DoesNotContain("StorageExceptionHandlerTests", text, StringComparison.Ordinal);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
    }

    private static (DefaultHttpContext Context, StorageExceptionHandler Handler) Create()
    {
        ServiceProvider services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        context.Request.Headers.Accept = "application/json";
        var handler = new StorageExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<StorageExceptionHandler>.Instance);
        return (context, handler);
    }

    private static JsonElement Body(DefaultHttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }
}
