using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Testing;

namespace Hub.Storage.Tests.Durable;

public sealed class PoisonStoreTests
{
    [Fact]
    public async Task HandleAsync_FailingCommand_RecordsTheErrorAndRethrows()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        // An unknown aggregate kind fails on every attempt.
        string unknown = Command("p1", "bad-1", """{"type":"increment","by":1}""").Replace("\"counter\"", "\"nobody\"", StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Dispatcher.HandleAsync(unknown, 5, harness.Orchestrations));
        PoisonMessage poisoned = await harness.Poison.AcceptAsync(unknown);

        Assert.Contains("aggregate kind 'nobody'", error.Message, StringComparison.Ordinal);
        Assert.Equal("bad-1", poisoned.Id);
        Assert.Equal(5, poisoned.DequeueCount);
        Assert.StartsWith("InvalidOperationException: Work message bad-1 is for aggregate kind 'nobody'", poisoned.LastError, StringComparison.Ordinal);
        Assert.Equal(unknown, poisoned.Text);
    }

    [Fact]
    public async Task Replay_AfterTheCauseIsFixed_AppliesOnceEvenIfReplayedTwice()
    {
        DurableHarness harness = await DurableHarness.CreateAsync();
        string text = Command("p2", "boom-1", """{"type":"explode"}""");
        Interlocked.Exchange(ref CounterDecider.Explosions, 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Dispatcher.HandleAsync(text, 1, harness.Orchestrations));
        await harness.Poison.AcceptAsync(text);

        var (listed, _) = await harness.Poison.ListAsync();
        bool replayed = await harness.Poison.ReplayAsync("boom-1");
        bool again = await harness.Poison.ReplayAsync("boom-1");
        await harness.Queue.SendMessageAsync(text); // a stray second copy of the same message
        await harness.DrainAsync(async () => await harness.Queue.GetApproximateMessageCountAsync() == 0, TimeSpan.FromSeconds(20));

        PoisonMessage item = Assert.Single(listed);
        Assert.Equal("InvalidOperationException: boom", item.LastError);
        Assert.True(replayed);
        Assert.False(again);
        Assert.Empty((await harness.Poison.ListAsync()).Items);
        var view = await harness.Counter.GetAsync("p2");
        Assert.Equal(1000, view!.State.Count);
        Assert.Equal(1, view.Sequence);
    }

    [Theory]
    [InlineData("not json at all", "FormatException: Work message is not valid JSON: ")]
    [InlineData("""{"id":"x"}""", "FormatException: Work message must have id, kind, aggregateKind and aggregateId.")]
    [InlineData("""{"id":"x","kind":"command","aggregateKind":"counter","aggregateId":"a"}""", "FormatException: Command message x has no payload.")]
    [InlineData(
        """{"id":"x","kind":"telegram","aggregateKind":"counter","aggregateId":"a","payload":"{}"}""",
        "FormatException: Work message x has kind 'telegram'; expected 'command' or 'effects'.")]
    [InlineData(
        """{"id":"x","kind":"effects","aggregateKind":"counter","aggregateId":"a","payload":"seven"}""",
        "FormatException: Effects message x must carry the commit's sequence as its payload.")]
    [InlineData(
        """{"id":"x","kind":"effects","aggregateKind":"counter","aggregateId":"a"}""",
        "FormatException: Effects message x must carry the commit's sequence as its payload.")]
    public async Task HandleAsync_MalformedMessage_FailsWithAReasonNamingIt(string text, string reason)
    {
        DurableHarness harness = await DurableHarness.CreateAsync();

        var error = await Record.ExceptionAsync(() => harness.Dispatcher.HandleAsync(text, 1, harness.Orchestrations));
        PoisonMessage poisoned = await harness.Poison.AcceptAsync(text);

        Assert.IsType<FormatException>(error);
        Assert.StartsWith(reason, poisoned.LastError, StringComparison.Ordinal);
        Assert.Empty(harness.Orchestrations.Started);
    }

    private static string Command(string aggregateId, string messageId, string payload) =>
        WorkQueue.Serialize(new WorkMessage(messageId, WorkMessage.CommandKind, "counter", aggregateId, payload));
}
