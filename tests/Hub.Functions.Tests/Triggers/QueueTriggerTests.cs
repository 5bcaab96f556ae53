using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Functions.Functions;
using Hub.Functions.Tests.Support;
using Hub.Storage.Queues;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

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
        var queue = azurite.Account().GetQueueClient(queueName);
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("{\"ticket\":42}");
        await handler.WaitForAsync(1, TimeSpan.FromSeconds(15));

        FunctionInvocation invocation = Assert.Single(handler.Invocations);
        Assert.Equal("{\"ticket\":42}", invocation.Input);
        Assert.Equal(InvocationSource.Runner, invocation.Source);
        Assert.Equal(1, invocation.DequeueCount);
        Assert.False(string.IsNullOrEmpty(invocation.Metadata["Id"]));
        await WaitUntilAsync(async () => (await queue.PeekMessagesAsync(1)).Value.Length == 0, "the handled message is deleted");
    }

    [Fact]
    public async Task Runner_FailingHandler_RetriesThenPoisonsAfterExactlyMaxDequeueCount()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string queueName = Azurite.UniqueName("q");
        var handler = new RecordingHandler("Work", _ => throw new InvalidOperationException("always fails"));
        await using TestHub hub = await StartAsync(queueName, handler);
        var queue = azurite.Account().GetQueueClient(queueName);
        var poison = azurite.Account().GetQueueClient(queueName + "-poison");
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("poison me");
        await WaitUntilAsync(async () => (await PeekSafeAsync(poison)).Count == 1, "the message reaches the poison queue");
        // The count includes invisible messages: once the original is deleted, no fourth attempt can come.
        await WaitUntilAsync(async () => await queue.GetApproximateMessageCountAsync() == 0, "the original message is deleted");

        // host.json in TestFunctions sets maxDequeueCount 3.
        Assert.Equal([1L, 2L, 3L], handler.Invocations.Select(i => i.DequeueCount));
        Assert.Equal("poison me", Assert.Single((await poison.PeekMessagesAsync(5)).Value).Body.ToString());
        Assert.Empty((await queue.PeekMessagesAsync(5)).Value);
    }

    [Fact]
    public async Task Runner_DelayedMessageThisProcessSent_IsHandledWhenItSurfaces_NotAfterTheBackoff()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string queueName = Azurite.UniqueName("q");
        var handler = new RecordingHandler("Work");
        // Every empty poll sleeps 20 s: only the signal can wake the runner sooner.
        await using TestHub hub = await StartAsync(queueName, handler, minPolling: "00:00:20");
        var queue = azurite.Account().GetQueueClient(queueName);
        await queue.CreateIfNotExistsAsync();
        // Once the runner has handled a first (signalled) message it polls again, finds the queue empty and sleeps
        // for the 20 s backoff: only the signal can wake it before then.
        QueueSignals signals = hub.App.Services.GetRequiredService<QueueSignals>();
        await queue.SendMessageAsync("first");
        signals.Expect(queueName, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        await handler.WaitForAsync(1, TimeSpan.FromSeconds(15));

        var sent = System.Diagnostics.Stopwatch.StartNew();
        await queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromSeconds(1));
        signals.Expect(queueName, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(1));
        await handler.WaitForAsync(2, TimeSpan.FromSeconds(15));

        Assert.InRange(sent.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Runner_HandlersOnlyWaitingForTheirDueTime_DoNotHoldTheBatchSlots()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string queueName = Azurite.UniqueName("q");
        using var release = new ManualResetEventSlim();
        QueueSignals? signals = null;
        var handler = new RecordingHandler("Work", invocation =>
        {
            if (invocation.Input?.StartsWith("wait", StringComparison.Ordinal) == true)
            {
                using IDisposable waiting = signals!.Waiting(queueName);
                release.Wait(TimeSpan.FromSeconds(30));
            }

            return FunctionResult.Empty;
        });
        await using TestHub hub = await StartAsync(queueName, handler);
        QueueSignals hubSignals = hub.App.Services.GetRequiredService<QueueSignals>();
        signals = hubSignals;
        var queue = azurite.Account().GetQueueClient(queueName);
        await queue.CreateIfNotExistsAsync();

        // batchSize is 4: four waiting handlers would otherwise fill every slot.
        for (int i = 0; i < 4; i++)
        {
            await queue.SendMessageAsync($"wait {i}");
        }

        await WaitUntilAsync(() => Task.FromResult(hubSignals.WaitingCount(queueName) == 4), "four handlers wait");
        await queue.SendMessageAsync("now");
        await WaitUntilAsync(() => Task.FromResult(handler.Invocations.Any(i => i.Input == "now")), "the fifth message runs while four wait");
        int waitingThen = hubSignals.WaitingCount(queueName);
        release.Set();

        Assert.Equal(4, waitingThen);
    }

    private static async Task<IReadOnlyList<PeekedMessage>> PeekSafeAsync(QueueClient queue)
    {
        try
        {
            return (await queue.PeekMessagesAsync(5)).Value;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // the poison queue is created on first use
        }
    }

    private static async Task<TestHub> StartAsync(string queueName, RecordingHandler handler, string? minPolling = null)
    {
        string hostJson = minPolling is null ? TestFunctions.FastQueuesHostJson : TestFunctions.FastQueuesHostJson.Replace("00:00:00.500", "00:01:00", StringComparison.Ordinal);
        string root = TestFunctions.Create(hostJson, ("Work", TestFunctions.Queue(queueName)));
        var settings = new Dictionary<string, string?> { ["Hub__FunctionsRoot"] = root };
        if (minPolling is not null)
        {
            settings["Hub__QueueMinPollingInterval"] = minPolling;
        }

        return await TestHub.StartAsync(settings, services => services.AddFunctionHandler(handler));
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
