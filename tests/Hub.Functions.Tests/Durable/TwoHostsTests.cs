using System.Diagnostics;
using System.Net.Http.Json;
using Hub.Domain.Incidents;
using Hub.Functions.Tests.Incidents;
using Hub.Functions.Tests.Support;
using Hub.Functions.Durable;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Durable;

/// <summary>
/// Issue 11, "what it must show": two standalone hosts on one storage account (one task hub, one work queue, one
/// aggregate table) escalate every incident exactly once per level, and every durable timer fires once.
/// </summary>
public sealed class TwoHostsTests(ITestOutputHelper output)
{
    private const int Count = 40;

    [Fact]
    public async Task Escalation_TwoHostsShareOneTaskHub_EachIncidentPagedOncePerLevelAndEachTimerFiresOnce()
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, string?> settings = Settings(Write(ackWithin: "3s"), Azurite.UniqueName("d"));
        // One deployment: the same host id (timer leases) and task hub, a process id of its own each (TestHub's default).
        settings["Hub__HostId"] = Azurite.UniqueName("h");
        await using TestHub one = await TestHub.StartAsync(settings);
        await using TestHub two = await TestHub.StartAsync(settings);
        StoredHub stored = await StoredHub.OpenAsync(settings["Hub__DurableName"]!);
        output.WriteLine($"two hosts up after {clock.Elapsed}");

        long[] tickets = new long[Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            TestHub hub = i % 2 == 0 ? one : two;
            using HttpResponseMessage opened = await KillRecoveryTests.SendAsync(hub.Client, HttpMethod.Post, "/api/incidents", OperatorKey, JsonContent.Create(new { subject = $"Proxy outage {i}" }));
            tickets[i] = await IncidentApiTests.TicketOf(opened);
        });
        output.WriteLine($"{Count} incidents opened after {clock.Elapsed}");
        Dictionary<long, IncidentState> incidents = [];
        await HubState.WaitUntilAsync(async () =>
        {
            incidents = await stored.StatesAsync<IncidentState>(IncidentDecider.AggregateKind);
            return incidents.Count == Count && incidents.Values.All(s => s.EscalationExhausted);
        }, TimeSpan.FromSeconds(120));
        output.WriteLine($"every chain exhausted after {clock.Elapsed}");
        await HubState.WaitForIdleAsync(one, TimeSpan.FromSeconds(60));
        incidents = await stored.StatesAsync<IncidentState>(IncidentDecider.AggregateKind);
        Dictionary<long, int> paged = await stored.EventCountsAsync(IncidentDecider.AggregateKind, nameof(Paged));
        Dictionary<long, int> exhausted = await stored.EventCountsAsync(IncidentDecider.AggregateKind, nameof(EscalationExhausted));
        ILookup<long, StoredMail> pages = (await stored.MailsAsync()).Where(m => m.Kind == "incident-page").ToLookup(m => m.Number);
        ILookup<string, OrchestrationMetadata> timers = await TimersByIncidentAsync(one);
        output.WriteLine($"idle after {clock.Elapsed}");

        Assert.Equal(tickets.Order(), incidents.Keys.Order());
        foreach (long ticket in tickets)
        {
            IncidentState incident = incidents[ticket];
            Assert.Equal(["alice@example.org", "tess@example.org", "max@example.org"], incident.Pages.Select(p => p.To));
            Assert.Equal((3, 1), (paged[ticket], exhausted[ticket]));
            Assert.Equal(["alice@example.org", "max@example.org", "tess@example.org"], pages[ticket].SelectMany(m => m.To).Order(StringComparer.Ordinal));
            // One IncidentEscalation per level's deadline, named by the incident and the commit that set it, each run to
            // completion once: a timer started twice would be a second instance of its own token, or a failed one.
            OrchestrationMetadata[] own = [.. timers[ticket.ToString(System.Globalization.CultureInfo.InvariantCulture)]];
            Assert.Equal(3, own.Length);
            Assert.All(own, t => Assert.Equal(OrchestrationRuntimeStatus.Completed, t.RuntimeStatus));
            Assert.All(own, t => Assert.Equal(WorkflowTimerFunctions.IncidentEscalation, t.Name));
            Assert.All(own, t => Assert.Matches($"^incident:{ticket}:escalation:[0-9]+$", t.InstanceId));
        }

        Assert.Empty(await stored.GivenUpEffectsAsync());
    }

    /// <summary>Every timer orchestration of an incident on the task hub, by the id of the incident it was set for.</summary>
    private static async Task<ILookup<string, OrchestrationMetadata>> TimersByIncidentAsync(TestHub hub)
    {
        DurableTaskClient client = hub.App.Services.GetRequiredService<DurableTaskClient>();
        var timers = new List<(string Incident, OrchestrationMetadata Instance)>();
        await foreach (OrchestrationMetadata instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "incident:", FetchInputsAndOutputs = true }))
        {
            AggregateTimer timer = instance.ReadInputAs<AggregateTimer>()!;
            if (timer.AggregateKind == IncidentDecider.AggregateKind)
            {
                timers.Add((timer.AggregateId, instance));
            }
        }

        return timers.ToLookup(t => t.Incident, t => t.Instance);
    }
}
