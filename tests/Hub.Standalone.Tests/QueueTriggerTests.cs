using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Standalone.TestFunctions;

namespace Hub.Standalone.Tests;

public sealed class QueueTriggerTests
{
    private static readonly QueueClientOptions Base64 = new() { MessageEncoding = QueueMessageEncoding.Base64 };

    [Fact]
    public async Task Work_GoodAndFailingMessage_HandlesOneAndPoisonsTheOtherAfterMaxDequeueCount()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        Dictionary<string, string?> settings = TestHost.Settings(azurite);
        var queue = new QueueClient(azurite.ConnectionString, settings["WorkQueue"], Base64);
        var poison = new QueueClient(azurite.ConnectionString, settings["WorkQueue"] + "-poison", Base64);
        await queue.CreateIfNotExistsAsync();
        await using TestHost host = await TestHost.StartAsync(probe, settings);

        await queue.SendMessageAsync("""{"id":"good","fail":false}""");
        await queue.SendMessageAsync("""{"id":"bad","fail":true}""");
        PeekedMessage[] poisoned = await Poll.UntilAsync(() => PeekAsync(poison), m => m.Length > 0, TimeSpan.FromSeconds(30));

        Assert.Equal(["good"], probe.Of("work-done"));
        // host.json maxDequeueCount is 3: three attempts, then the poison queue.
        Assert.Equal(["bad", "bad", "bad"], probe.Of("work-attempt").Where(id => id == "bad"));
        Assert.Equal("""{"id":"bad","fail":true}""", Assert.Single(poisoned).Body.ToString());
        Assert.Empty(await PeekAsync(queue));
    }

    [Fact]
    public async Task Work_MessageThatIsNotBase64_IsMovedToPoisonWithItsTextAndTheQueueGoesOn()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        Dictionary<string, string?> settings = TestHost.Settings(azurite);
        var plain = new QueueClient(azurite.ConnectionString, settings["WorkQueue"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var queue = new QueueClient(azurite.ConnectionString, settings["WorkQueue"], Base64);
        var poison = new QueueClient(azurite.ConnectionString, settings["WorkQueue"] + "-poison", Base64);
        await queue.CreateIfNotExistsAsync();
        await using TestHost host = await TestHost.StartAsync(probe, settings);

        await plain.SendMessageAsync("plain text, not base64!");
        await queue.SendMessageAsync("""{"id":"after","fail":false}""");
        PeekedMessage[] poisoned = await Poll.UntilAsync(() => PeekAsync(poison), m => m.Length > 0, TimeSpan.FromSeconds(30));
        IReadOnlyList<string> done = await Poll.UntilAsync(() => probe.Of("work-done"), d => d.Count > 0, TimeSpan.FromSeconds(30));

        Assert.Equal("plain text, not base64!", Assert.Single(poisoned).Body.ToString());
        Assert.Equal(["after"], done);
    }

    [Fact]
    public async Task Work_DisabledBySetting_LeavesItsQueueAloneAndTheAdminRouteStillRunsIt()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        Dictionary<string, string?> settings = TestHost.Settings(azurite);
        settings["AzureWebJobs.Work.Disabled"] = "true";
        var queue = new QueueClient(azurite.ConnectionString, settings["WorkQueue"], Base64);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("""{"id":"queued","fail":false}""");
        await using TestHost host = await TestHost.StartAsync(probe, settings);
        using var client = new HttpClient { BaseAddress = host.Address };

        // An enabled listener polls within 100 ms of the start; five seconds of silence is the disabled one.
        IReadOnlyList<string> attempts = await Poll.UntilAsync(() => probe.Of("work-attempt"), a => a.Count > 0, TimeSpan.FromSeconds(5));
        using var run = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/Work") { Content = System.Net.Http.Json.JsonContent.Create(new { input = """{"id":"by-hand","fail":false}""" }) };
        run.Headers.Add(StandaloneHost.AdminKeyHeader, TestHost.AdminKey);
        using HttpResponseMessage accepted = await client.SendAsync(run);
        IReadOnlyList<string> done = await Poll.UntilAsync(() => probe.Of("work-done"), d => d.Count > 0, TimeSpan.FromSeconds(20));

        Assert.Empty(attempts);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(["by-hand"], done);
        Assert.Equal("""{"id":"queued","fail":false}""", Assert.Single(await PeekAsync(queue)).Body.ToString());
    }

    private static async Task<PeekedMessage[]> PeekAsync(QueueClient queue)
    {
        try
        {
            return (await queue.PeekMessagesAsync(32)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }
}
