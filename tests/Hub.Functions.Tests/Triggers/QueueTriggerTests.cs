using Hub.Functions.Functions;
using Hub.Functions.Tests.Support;
using Hub.Storage.Queues;
using Hub.Testing;

namespace Hub.Functions.Tests.Triggers;

/// <summary>Standalone mode: the hub runs queue triggers itself against Azurite.</summary>
public sealed class QueueTriggerTests
{
    [Fact]
    public async Task Runner_MessageSentToAzurite_HandlerReceivesItAndMessageIsDeleted()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string queueName = Azurite.UniqueName("q");
        var handler = new RecordingHandler("Work");
        await using TestHub hub = await StartAsync(queueName, handler);
        var queue = new QueueClient(azurite.Account(), queueName);
        await queue.CreateIfNotExistsAsync();

        await queue.SendAsync("{\"ticket\":42}");
        await handler.WaitForAsync(1, TimeSpan.FromSeconds(15));

        FunctionInvocation invocation = Assert.Single(handler.Invocations);
        Assert.Equal("{\"ticket\":42}", invocation.Input);
        Assert.Equal(InvocationSource.Runner, invocation.Source);
        Assert.Equal(1, invocation.DequeueCount);
        Assert.False(string.IsNullOrEmpty(invocation.Metadata["Id"]));
        await WaitUntilAsync(async () => (await queue.PeekAsync(1)).Count == 0, "the handled message is deleted");
    }

    [Fact]
    public async Task Runner_FailingHandler_RetriesThenPoisonsAfterExactlyMaxDequeueCount()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string queueName = Azurite.UniqueName("q");
        var handler = new RecordingHandler("Work", _ => throw new InvalidOperationException("always fails"));
        await using TestHub hub = await StartAsync(queueName, handler);
        var queue = new QueueClient(azurite.Account(), queueName);
        var poison = new QueueClient(azurite.Account(), queueName + "-poison");
        await queue.CreateIfNotExistsAsync();

        await queue.SendAsync("poison me");
        await WaitUntilAsync(async () => (await PeekSafeAsync(poison)).Count == 1, "the message reaches the poison queue");
        await Task.Delay(1000); // a fourth attempt, if the runner made one, would show up now

        // host.json in TestFunctions sets maxDequeueCount 3.
        Assert.Equal([1L, 2L, 3L], handler.Invocations.Select(i => i.DequeueCount));
        Assert.Equal("poison me", Assert.Single(await poison.PeekAsync(5)).Text);
        Assert.Empty(await queue.PeekAsync(5));
    }

    private static async Task<IReadOnlyList<PeekedMessage>> PeekSafeAsync(QueueClient queue)
    {
        try
        {
            return await queue.PeekAsync(5);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // the poison queue is created on first use
        }
    }

    private static async Task<TestHub> StartAsync(string queueName, RecordingHandler handler)
    {
        string root = TestFunctions.Create(TestFunctions.FastQueuesHostJson, ("Work", TestFunctions.Queue(queueName)));
        return await TestHub.StartAsync(
            new Dictionary<string, string?> { ["Hub__FunctionsRoot"] = root },
            services => services.AddFunctionHandler(handler));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(100);
        }
    }
}
