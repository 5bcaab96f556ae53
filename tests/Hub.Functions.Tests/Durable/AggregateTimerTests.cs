using System.Text.Json;
using Hub.Functions.Durable;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Durable;

/// <summary>The <c>AggregateTimer</c> orchestration on a real hub: the Durable worker over DTFx's Azure Storage backend on Azurite.</summary>
public sealed class AggregateTimerTests
{
    [Fact]
    public async Task Timer_SecondsAhead_FiresOnceNotBeforeItsDueTimeWithOneDurableTimer()
    {
        await using TestHub hub = await TestHub.StartAsync(services: services => services.AddAggregate<CounterState, CounterCommand, CounterEvent, CounterDecider>());
        var counter = hub.App.Services.GetRequiredService<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>();
        await hub.App.Services.GetRequiredService<DurableStorage>().EnsureAsync(CancellationToken.None);
        DateTimeOffset due = DateTimeOffset.UtcNow.AddSeconds(6.5);

        await counter.HandleAsync("alarm-1", "set", new SetAlarm("wake", due), "tester");
        await HubState.WaitUntilAsync(async () => (await counter.GetAsync("alarm-1"))!.State.Rings == 1);
        await HubState.WaitForIdleAsync(hub);

        EventRecord rang = Assert.Single(await counter.AllHistoryAsync("alarm-1"), e => e.Type == nameof(Rang));
        Assert.True(rang.At >= due, $"rang at {rang.At:O}, before its due time {due:O}");
        OrchestrationMetadata timer = Assert.Single(
            await AllAsync(hub.App.Services.GetRequiredService<DurableTaskClient>()), o => o.Name == AggregateTimer.Orchestrator);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, timer.RuntimeStatus);
        // Named by the aggregate, the timer and the commit that set it; a timer no workflow names runs as AggregateTimer.
        Assert.Equal("counter:alarm-1:wake:1", timer.InstanceId);
        // The backend hides a timer message for whole seconds, so the timer wakes up to a second early; the rest is
        // slept out in the activity, not waited for with more durable timers (a replay and a history write each).
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/admin/orchestrations/" + timer.InstanceId);
        get.Headers.Add("x-functions-key", TestHub.AdminKey);
        using HttpResponseMessage answer = await hub.Client.SendAsync(get);
        using JsonDocument detail = JsonDocument.Parse(await answer.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        Assert.Single(detail.RootElement.GetProperty("history").EnumerateArray(), e => e.GetProperty("eventType").GetString() == "TimerCreated");
    }

    private static async Task<List<OrchestrationMetadata>> AllAsync(DurableTaskClient client)
    {
        var all = new List<OrchestrationMetadata>();
        await foreach (OrchestrationMetadata instance in client.GetAllInstancesAsync())
        {
            all.Add(instance);
        }

        return all;
    }
}
