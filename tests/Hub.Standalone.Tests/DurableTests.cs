using Hub.Standalone.TestFunctions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone.Tests;

public sealed class DurableTests
{
    [Fact]
    public async Task Approval_ActivityDurableTimerAndEvent_CompletesWithTheDecision()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(probe, TestHost.Settings(azurite));
        DurableTaskClient client = host.Services.GetRequiredService<DurableTaskClient>();
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        DateTimeOffset scheduled = DateTimeOffset.UtcNow;
        string id = await client.ScheduleNewOrchestrationInstanceAsync(
            "Approval", new ApprovalRequest("ada", 3), new StartOrchestrationOptions("approval-ada"), within.Token);
        OrchestrationMetadata? waiting = await Poll.UntilAsync(
            () => client.GetInstanceAsync(id, getInputsAndOutputs: true, within.Token),
            m => m?.SerializedCustomStatus == "\"waiting for decision\"",
            TimeSpan.FromSeconds(60));
        TimeSpan untilWaiting = DateTimeOffset.UtcNow - scheduled;
        await client.RaiseEventAsync(id, "decision", "approved", within.Token);
        OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, within.Token);

        Assert.Equal("approval-ada", id);
        Assert.Equal("\"waiting for decision\"", waiting?.SerializedCustomStatus);
        // Queue visibility delays are whole seconds, so a durable timer on Azure Storage may fire up to a second early
        // (a 2 s timer was seen to fire 1.93 s after the start): 3 s asked, at least 2 s held.
        Assert.True(untilWaiting >= TimeSpan.FromSeconds(2), $"the durable timer held the orchestration only {untilWaiting}");
        Assert.Equal(["ada"], probe.Of("greet"));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("\"hello ada: approved\"", done.SerializedOutput);
    }
}
