using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Domain.Tickets;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// What the release bench reads from the hub once its requests are answered: when the work left behind is drained, and,
/// from the stored histories, how long after each transition its effects were done.
/// </summary>
/// <remarks>
/// A transition is answered from its commit; its effects run afterwards. Those that leave an event (Hub.Domain/Releases,
/// ReleaseDecider.Enter, Transition and ArtifactsDone):
/// <list type="bullet">
/// <item>every move: the ticket's <c>StatusChanged</c> to the new state, and <c>OwnerChanged</c> where the state has its
/// own owner (both commanded by the release, so the ticket's later events carry the new status as their state);</item>
/// <item>a move that starts an artifacts step (<c>ProgressChanged.ArtifactsFor</c> set: placement for Unverified, the
/// moves for StageRollout and Production): the release's <c>ArtifactsPlaced</c> for that target;</item>
/// <item>StageRollout is answered with <c>SlotRequested</c>: then the major release's slot commits <c>SlotTaken</c>, the
/// release its <c>ProgressChanged</c> to StageRollout, and that move's own effects follow (ticket, artifacts move);</item>
/// <item>Production, a closing state: the slot's <c>SlotFreed</c>.</item>
/// </list>
/// Mail, the metrics row and the deadline timer's orchestration leave no event: they are covered by the drain only
/// (work queue empty, no effect being retried), which is why the drain time is reported beside these latencies.
/// </remarks>
internal static class ReleaseEffects
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>One transition's effects: done <see cref="Latency"/> after its answering event, or the effects still missing.</summary>
    public sealed record Outcome(long Release, RolloutProgress To, TimeSpan? Latency, string? Missing);

    /// <summary>
    /// Waits until the work queue holds no message (visible or being handled) and no <c>Effects_Retry</c> orchestration is
    /// pending or running; the deadline timers' orchestrations (days away) are not work left. Returns the time it took,
    /// or null when <paramref name="timeout"/> passed first.
    /// </summary>
    public static async Task<TimeSpan?> DrainAsync(IServiceProvider services, TimeSpan timeout)
    {
        WorkQueue work = services.GetRequiredService<WorkQueue>();
        DurableTaskClient client = services.GetRequiredService<DurableTaskClient>();
        var retrying = new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running],
            InstanceIdPrefix = "effects:",
            PageSize = 1,
        };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (await work.Queue.GetApproximateMessageCountAsync() == 0 && !await AnyAsync(client.GetAllInstancesAsync(retrying)))
            {
                return waited.Elapsed;
            }

            await Task.Delay(250);
        }

        return null;
    }

    private static async Task<bool> AnyAsync(IAsyncEnumerable<OrchestrationMetadata> instances)
    {
        await foreach (OrchestrationMetadata instance in instances)
        {
            if (instance.Name == EffectsRetry.Orchestrator)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The outcome of every transition of <paramref name="path"/> of each release, from its release, ticket and slot histories.</summary>
    public static async Task<IReadOnlyList<Outcome>> MeasureAsync(
        IServiceProvider services, IReadOnlyList<(long Id, string Major)> releases, IReadOnlyList<RolloutProgress> path)
    {
        var releaseHistory = services.GetRequiredService<AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>>();
        var ticketHistory = services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>();
        var slotHistory = services.GetRequiredService<AggregateProcessor<ReleaseSlotState, ReleaseSlotCommand, ReleaseSlotEvent>>();
        var outcomes = new List<Outcome>();
        await Parallel.ForEachAsync(releases, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (release, ct) =>
        {
            string id = ReleaseDecider.IdOf(release.Id);
            var histories = new Histories(
                [.. (await releaseHistory.AllHistoryAsync(id, ct)).Select(e => new ReleaseRecord(e, JsonSerializer.Deserialize<ReleaseEvent>(e.Data, Json)!))],
                await ticketHistory.AllHistoryAsync(id, ct),
                await slotHistory.AllHistoryAsync(release.Major, ct));
            Outcome[] mine = [.. path.Select(to => Of(release.Id, to, histories))];
            lock (outcomes)
            {
                outcomes.AddRange(mine);
            }
        });
        return outcomes;
    }

    private sealed record ReleaseRecord(EventRecord Record, ReleaseEvent Event);

    private sealed record Histories(IReadOnlyList<ReleaseRecord> Release, IReadOnlyList<EventRecord> Ticket, IReadOnlyList<EventRecord> Slot);

    private static Outcome Of(long release, RolloutProgress to, Histories h)
    {
        // The event the answer was given from, and the release's move itself (the same event, except for StageRollout).
        ReleaseRecord? asked = to == RolloutProgress.StageRollout
            ? h.Release.FirstOrDefault(e => e.Event is SlotRequested)
            : h.Release.FirstOrDefault(e => e.Event is ProgressChanged p && p.To == to);
        ReleaseRecord? moved = h.Release.FirstOrDefault(e => e.Event is ProgressChanged p && p.To == to);
        if (asked is null)
        {
            return new Outcome(release, to, null, "the transition itself");
        }

        var missing = new List<string>();
        var done = new List<DateTimeOffset>();
        void Expect(string what, EventRecord? found)
        {
            if (found is null)
            {
                missing.Add(what);
            }
            else
            {
                done.Add(found.At);
            }
        }

        string state = to.ToString();
        Expect("the release's move", moved?.Record);
        Expect("the ticket's status", h.Ticket.FirstOrDefault(e => e.Type == nameof(StatusChanged) && Is(e, state)));
        // Whatever else the release commanded the ticket while it had this status (its owner).
        done.AddRange(h.Ticket.Where(e => e.Actor == "release" && Is(e, state)).Select(e => e.At));
        if (moved?.Event is ProgressChanged { ArtifactsFor: { } target })
        {
            Expect($"the artifacts in the {target} area", h.Release.FirstOrDefault(e => e.Event is ArtifactsPlaced p && p.Target == target)?.Record);
        }

        if (to == RolloutProgress.StageRollout)
        {
            Expect("the slot", h.Slot.FirstOrDefault(e => e.Type == nameof(SlotTaken)));
        }

        if (ReleaseTransitions.IsClosed(to))
        {
            Expect("the slot freed", h.Slot.FirstOrDefault(e => e.Type == nameof(SlotFreed)));
        }

        return missing.Count > 0
            ? new Outcome(release, to, null, string.Join(", ", missing))
            : new Outcome(release, to, done.Max() - asked.Record.At, null);
    }

    // The ticket's lifecycle spells the statuses its own way; the release names them by RolloutProgress.
    private static bool Is(EventRecord ticketEvent, string status) => string.Equals(ticketEvent.ToState, status, StringComparison.OrdinalIgnoreCase);
}
