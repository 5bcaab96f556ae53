using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Storage.Account;
using Hub.Testing;

namespace Hub.Storage.Tests.Account;

public sealed class SharedKeyPolicyTests
{
    [Fact]
    public async Task Send_RetriedAfter503_ReSignsEveryTryWithAFreshDate()
    {
        int port = Azurite.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var seen = new List<(string Date, string Authorization)>();
        Task server = Task.Run(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                HttpListenerContext context = await listener.GetContextAsync();
                seen.Add((context.Request.Headers["x-ms-date"]!, context.Request.Headers["Authorization"]!));
                context.Response.StatusCode = i == 0 ? 503 : 200;
                context.Response.Close();
            }
        });
        var options = new StorageClientOptions { Clock = new SteppingClock(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        StorageAccount account = StorageAccount.Parse(
            $"AccountName=devstoreaccount1;AccountKey={StorageConnectionString.DevelopmentAccountKey};QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1",
            options);
        HttpPipeline pipeline = account.Pipeline(StorageService.Queue);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri($"http://127.0.0.1:{port}/devstoreaccount1?comp=list"));

        await pipeline.SendAsync(message, default);
        await server;

        Assert.Equal(200, message.Response.Status);
        Assert.Equal(["Sat, 21 Nov 2026 12:00:00 GMT", "Sat, 21 Nov 2026 12:00:01 GMT"], seen.Select(s => s.Date));
        Assert.All(seen, s => Assert.StartsWith("SharedKey devstoreaccount1:", s.Authorization, StringComparison.Ordinal));
        Assert.NotEqual(seen[0].Authorization, seen[1].Authorization);
    }

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private int _calls;

        public override DateTimeOffset GetUtcNow() => start.AddSeconds(Interlocked.Increment(ref _calls) - 1);
    }
}
