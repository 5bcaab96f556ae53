using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Functions.Durable;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Durable;

/// <summary>The hub's HubWork and HubWorkPoison functions and the poison functions, run by real hubs against Azurite.</summary>
public sealed class HubWorkTests
{
    [Fact]
    public async Task TwoHubs_DrainingOneWorkQueue_ApplyEveryCommandExactlyOnce()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string durable = Azurite.UniqueName("d");
        var shared = new Dictionary<string, string?> { ["Hub__DurableName"] = durable };
        var effectsA = new RecordingEffect(CounterDecider.NotifyEffect);
        var effectsB = new RecordingEffect(CounterDecider.NotifyEffect);
        await using TestHub a = await TestHub.StartAsync(shared, services => AddCounter(services, effectsA));
        await using TestHub b = await TestHub.StartAsync(shared, services => AddCounter(services, effectsB));
        var queue = azurite.Account().GetQueueClient($"{durable}-work");
        await queue.CreateIfNotExistsAsync();
        const int commands = 150;

        // Every command is sent twice, as an at-least-once sender would after a lost acknowledgement.
        await Parallel.ForEachAsync(Enumerable.Range(0, commands * 2), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await queue.SendMessageAsync(
                WorkQueue.Serialize(new WorkMessage($"cmd-{i % commands}", WorkMessage.CommandKind, "counter", $"agg-{i % 10}", $$"""{"type":"notify","text":"n{{i % commands}}"}""")),
                cancellationToken: ct));
        // The count includes messages being handled, which are deleted only after their effects ran: at zero, no
        // duplicate effect can still arrive.
        await HubState.WaitUntilAsync(async () => effectsA.Done.Count + effectsB.Done.Count >= commands && await queue.GetApproximateMessageCountAsync() == 0);

        var all = effectsA.Done.Concat(effectsB.Done).ToList();
        Assert.Equal(commands, all.Count);
        Assert.Equal(commands, all.Select(e => e.Payload).Distinct().Count());
        Assert.NotEmpty(effectsA.Done);
        Assert.NotEmpty(effectsB.Done);
        var counter = a.App.Services.GetRequiredService<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>();
        long events = 0;
        for (int agg = 0; agg < 10; agg++)
        {
            events += (await counter.GetAsync($"agg-{agg}"))!.Sequence;
        }

        Assert.Equal(commands, events);
    }

    [Fact]
    public async Task HubWork_FailingMessage_IsPoisonedAfterMaxDequeueCountListedAndReplayedOnce()
    {
        Azurite azurite = await Azurite.SharedAsync();
        string root = TestAppRoot.Create(
            TestAppRoot.FastQueuesHostJson.Replace("\"maxDequeueCount\": 3", "\"maxDequeueCount\": 5", StringComparison.Ordinal));
        await using TestHub hub = await TestHub.StartAsync(
            new Dictionary<string, string?> { ["Hub__FunctionsRoot"] = root },
            services => AddCounter(services, new RecordingEffect(CounterDecider.NotifyEffect)));
        var names = hub.App.Services.GetRequiredService<DurableNames>();
        var queue = azurite.Account().GetQueueClient(names.WorkQueue);
        await queue.CreateIfNotExistsAsync();
        Interlocked.Exchange(ref CounterDecider.Explosions, 5);
        hub.Client.DefaultRequestHeaders.Add("x-functions-key", TestHub.AdminKey);

        await queue.SendMessageAsync(WorkQueue.Serialize(new WorkMessage("explosive-1", WorkMessage.CommandKind, "counter", "p1", """{"type":"explode"}""")));
        JsonElement item = default;
        await HubState.WaitUntilAsync(async () =>
        {
            JsonElement list = await hub.Client.GetFromJsonAsync<JsonElement>("/api/admin/poison");
            item = list.GetProperty("items").EnumerateArray().FirstOrDefault();
            return item.ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(30));
        HttpResponseMessage replay = await hub.Client.PostAsync(new Uri("/api/admin/poison/explosive-1/replay", UriKind.Relative), null);
        HttpResponseMessage again = await hub.Client.PostAsync(new Uri("/api/admin/poison/explosive-1/replay", UriKind.Relative), null);
        var counter = hub.App.Services.GetRequiredService<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>();
        await HubState.WaitUntilAsync(async () => await counter.GetAsync("p1") is not null);

        Assert.Equal("explosive-1", item.GetProperty("id").GetString());
        Assert.Equal(5, item.GetProperty("dequeueCount").GetInt64());
        Assert.Equal("InvalidOperationException: boom", item.GetProperty("lastError").GetString());
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        var view = await counter.GetAsync("p1");
        Assert.Equal(1000, view!.State.Count);
        Assert.Equal(1, view.Sequence);
    }

    [Fact]
    public async Task HubWork_CommandWithAggregateCommandEffect_ReachesTheOtherAggregate()
    {
        Azurite azurite = await Azurite.SharedAsync();
        await using TestHub hub = await TestHub.StartAsync(services: services => AddCounter(services, new RecordingEffect(CounterDecider.NotifyEffect)));
        var names = hub.App.Services.GetRequiredService<DurableNames>();
        var queue = azurite.Account().GetQueueClient(names.WorkQueue);
        await queue.CreateIfNotExistsAsync();
        var counter = hub.App.Services.GetRequiredService<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>();

        await queue.SendMessageAsync(WorkQueue.Serialize(new WorkMessage("fwd-1", WorkMessage.CommandKind, "counter", "from", """{"type":"forward","to":"to","by":6}""")));
        await HubState.WaitUntilAsync(async () => await counter.GetAsync("to") is not null);

        Assert.Equal(6, (await counter.GetAsync("to"))!.State.Count);
        Assert.Equal(1, (await counter.GetAsync("from"))!.Sequence);
    }

    [Fact]
    public async Task PoisonEndpoints_WithoutAdminKey_Answer401Problem()
    {
        await using TestHub hub = await TestHub.StartAsync();

        HttpResponseMessage list = await hub.Client.GetAsync(new Uri("/api/admin/poison", UriKind.Relative));
        HttpResponseMessage replay = await hub.Client.PostAsync(new Uri("/api/admin/poison/x/replay", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    private static void AddCounter(IServiceCollection services, RecordingEffect effect)
    {
        services.AddAggregate<CounterState, CounterCommand, CounterEvent, CounterDecider>();
        services.AddSingleton<ISideEffectHandler>(effect);
    }
}
