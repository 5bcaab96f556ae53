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
