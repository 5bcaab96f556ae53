using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Storage.Tests.Durable;

/// <summary>
/// A commit whose writer never learns the outcome (the answer is lost, the request times out): storage may have
/// applied it, and the sender's retry is then a duplicate that commits nothing. Its effects must still run, once, and
/// an attempt that did not commit must not run a retry's rows of the same sequence.
/// </summary>
public sealed class UnknownCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task HandleAsync_BatchAppliedButItsAnswerLost_RunsTheEffectOnceAndTheRedeliveryIsADuplicate()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);
        var lossy = Lossy(harness, new FailOneBatch(afterSending: true), HttpPipelinePosition.PerCall);
        string partition = harness.Counter.PartitionOf("u1");

        await Assert.ThrowsAsync<IOException>(() => lossy.HandleAsync("u1", "m1", new Notify("kept"), "tester"));
        var redelivered = await harness.Counter.HandleAsync("u1", "m1", new Notify("kept"), "tester");
        await harness.DrainAsync(async () => (await harness.Store.OutboxAsync(partition)).Count == 0, Patience);
        await harness.DrainAsync(async () => await harness.Queue.GetApproximateMessageCountAsync() == 0, Patience);

        Assert.Equal(CommandStatus.Duplicate, redelivered.Status);
        Assert.Equal("kept", Assert.Single(effect.Done).Payload);
    }

    [Fact]
    public async Task HandleAsync_StorageClientRetriesABatchThatWasApplied_RunsTheEffectOnce()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);
        // Below the client's retry policy: the batch is sent again and collides with itself.
        var lossy = Lossy(harness, new FailOneBatch(afterSending: true), HttpPipelinePosition.PerRetry);
        string partition = harness.Counter.PartitionOf("u2");

        var outcome = await lossy.HandleAsync("u2", "m1", new Notify("once"), "tester");
        await harness.DrainAsync(async () => (await harness.Store.OutboxAsync(partition)).Count == 0, Patience);
        await harness.DrainAsync(async () => await harness.Queue.GetApproximateMessageCountAsync() == 0, Patience);

        Assert.Equal(CommandStatus.Duplicate, outcome.Status);
        Assert.Equal("once", Assert.Single(effect.Done).Payload);
    }

    [Fact]
    public async Task HandleAsync_BatchNeverSentThenRetriedWithTheSameSequence_TheLostAttemptRunsNothing()
    {
        var effect = new RecordingEffect(CounterDecider.NotifyEffect);
        DurableHarness harness = await DurableHarness.CreateAsync(effects: [effect]);
        var lossy = Lossy(harness, new FailOneBatch(afterSending: false), HttpPipelinePosition.PerCall);
        string partition = harness.Counter.PartitionOf("u3");

        await Assert.ThrowsAsync<IOException>(() => lossy.HandleAsync("u3", "m1", new Notify("first try"), "tester"));
        await harness.Counter.HandleAsync("u3", "m1", new Notify("second try"), "tester");
        await harness.WaitForMessagesAsync(2, Patience);
        QueueMessage[] messages = (await harness.Queue.ReceiveMessagesAsync(32)).Value;
        QueueMessage lost = Assert.Single(messages, m => WorkQueue.Parse(m.Body.ToString()).Payload!.Contains(':', StringComparison.Ordinal));
        await harness.Dispatcher.HandleAsync(lost.Body.ToString(), lost.DequeueCount, harness.Orchestrations);
        int doneByTheLostAttempt = effect.Done.Count;
        QueueMessage own = Assert.Single(messages, m => m.MessageId != lost.MessageId);
        await harness.Dispatcher.HandleAsync(own.Body.ToString(), own.DequeueCount, harness.Orchestrations);

        // Both messages name sequence 1; only the retry's rows exist, and only the retry's own message ran them.
        Assert.Equal(2, messages.Length);
        Assert.Equal(0, doneByTheLostAttempt);
        Assert.Equal("second try", Assert.Single(effect.Done).Payload);
        Assert.Empty(await harness.Store.OutboxAsync(partition));
    }

    private static AggregateProcessor<CounterState, CounterCommand, CounterEvent> Lossy(
        DurableHarness harness, HttpPipelinePolicy fault, HttpPipelinePosition position)
    {
        var options = new TableClientOptions();
        options.AddPolicy(fault, position);
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        var table = new TableClient(harness.ConnectionString, harness.Table.Name, options);
        return new AggregateProcessor<CounterState, CounterCommand, CounterEvent>(
            new CounterDecider(), new AggregateStore(table, harness.Spill), harness.Work, harness.Clock,
            NullLogger<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>.Instance);
    }

    /// <summary>Fails the first entity group transaction, after sending it (its answer is lost) or before.</summary>
    private sealed class FailOneBatch(bool afterSending) : HttpPipelinePolicy
    {
        private int _left = 1;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            bool batch = message.Request.Method == RequestMethod.Post && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);
            bool fail = batch && Interlocked.Exchange(ref _left, 0) == 1;
            if (fail && !afterSending)
            {
                throw new IOException("The connection broke before the batch was sent.");
            }

            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            if (fail)
            {
                throw new IOException("The connection broke before the batch's answer arrived.");
            }
        }
    }
}
