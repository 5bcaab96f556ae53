using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Durable;
using Hub.Functions.Releases;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The release board (docs/dashboard.md): a column per RolloutProgress state with a card per release and its time in
/// the state, the Deferred queue of each major release, the early-adopter reports; a card's detail with its history
/// and time in each state, and the moves the caller's release teams may make from the current state. A move is the
/// same command as <c>POST /api/releases/{id}/transitions</c> (<see cref="RequestTransition"/> through the release
/// aggregate, the caller's teams from <see cref="ReleaseActors"/>); the page comes back with a notice saying where the
/// release went, or why not.
/// </summary>
public sealed class ReleasePages(
    DashboardGuard guard,
    HubConfiguration config,
    AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
    AggregateProcessor<ReleaseSlotState, ReleaseSlotCommand, ReleaseSlotEvent> slots,
    AggregateStore store,
    DurableStorage storage,
    TimeProvider clock)
{
    [Function("Dashboard_Releases")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: the release board (HTML); without a session, a redirect to /sign-in")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    public async Task<IResult> BoardAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "releases")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        await storage.EnsureAsync(ct);
        (IReadOnlyDictionary<RolloutProgress, int> counts, Dictionary<long, ReleaseState> all) = await BoardReleasesAsync(ct);
        var queues = new List<SlotQueue>();
        await foreach (ReleaseSlotState slot in StateRows.AllAsync<ReleaseSlotState>(store, ReleaseSlotDecider.AggregateKind, ct))
        {
            if (SlotQueue.From(slot, all) is { } queue)
            {
                queues.Add(queue);
            }
        }

        queues.Sort((a, b) => string.Compare(a.MajorRelease, b.MajorRelease, StringComparison.OrdinalIgnoreCase));
        return DashboardGuard.Page(ReleasesHtml.Board(session, config.Releases, counts, [.. all.Values], queues, clock.GetUtcNow(), request.Query["notice"].FirstOrDefault()));
    }

    /// <summary>
    /// What the board shows, in two table queries whatever the number of releases: first every release's state name and
    /// last change only (no state JSON), for the count per column and, per closed state, the instant of the latest
    /// releases it shows; then the states of the open releases and of those latest closed ones. Closed releases, most
    /// of them over time, are thus counted and not read.
    /// </summary>
    private async Task<(IReadOnlyDictionary<RolloutProgress, int> Counts, Dictionary<long, ReleaseState> Releases)> BoardReleasesAsync(CancellationToken ct)
    {
        var counts = new Dictionary<RolloutProgress, int>();
        var closed = new Dictionary<RolloutProgress, List<DateTimeOffset>>();
        await foreach (TableEntity row in StateRows.ColumnsAsync(store, ReleaseDecider.AggregateKind, null, ["StateName", "UpdatedAt"], ct))
        {
            if (!Enum.TryParse(row.GetString("StateName"), out RolloutProgress state))
            {
                continue;
            }

            counts[state] = counts.GetValueOrDefault(state) + 1;
            if (ReleaseTransitions.IsClosed(state) && row.GetDateTimeOffset("UpdatedAt") is { } at)
            {
                (closed.TryGetValue(state, out List<DateTimeOffset>? ats) ? ats : closed[state] = []).Add(at);
            }
        }

        var where = new List<string>
        {
            StateRows.StateNameIn([.. Enum.GetValues<RolloutProgress>().Where(s => !ReleaseTransitions.IsClosed(s)).Select(s => s.ToString())]),
        };
        foreach ((RolloutProgress state, List<DateTimeOffset> ats) in closed)
        {
            // Production and Rejected also feed the early-adopter reports' latest closed releases.
            int keep = state is RolloutProgress.Production or RolloutProgress.Rejected
                ? Math.Max(ReleasesHtml.ClosedCardsPerColumn, ReleasesHtml.ClosedReportRows)
                : ReleasesHtml.ClosedCardsPerColumn;
            ats.Sort((a, b) => b.CompareTo(a));
            where.Add($"({StateRows.StateNameIn(state.ToString())} and {StateRows.UpdatedSince(ats[Math.Min(keep, ats.Count) - 1])})");
        }

        var releases = new Dictionary<long, ReleaseState>();
        await foreach (ReleaseState release in StateRows.MatchingAsync<ReleaseState>(store, ReleaseDecider.AggregateKind, string.Join(" or ", where), ct))
        {
            if (release.Exists)
            {
                releases[release.Number] = release;
            }
        }

        return (counts, releases);
    }

    [Function("Dashboard_Release")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: one release with its history, time in each state and the moves the caller may make (HTML)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> ReleaseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "releases/{id:long}")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        await storage.EnsureAsync(ct);
        string key = ReleaseDecider.IdOf(id);
        if (await releases.GetAsync(key, ct) is not { State.Exists: true } view)
        {
            return DashboardGuard.Page(ReleasesHtml.Missing(session, id), StatusCodes.Status404NotFound);
        }

        ReleaseState release = view.State;
        IReadOnlyList<EventRecord> history = await releases.AllHistoryAsync(key, ct);
        // Where a Deferred release waits: its major release's slot, the one other read.
        ReleaseSlotState? slot = release.Progress == RolloutProgress.Deferred && release.MajorRelease is { } major
            ? (await slots.GetAsync(major, ct))?.State
            : null;
        IReadOnlyList<ReleaseMove> moves = ReleasesHtml.MayMove(session) ? ReleasesHtml.MovesFor(release, ReleaseActors.For(session.Caller, config.Releases)) : [];
        return DashboardGuard.Page(ReleasesHtml.Detail(session, config.Releases, release, history, slot, moves, clock.GetUtcNow(), request.Query["notice"].FirstOrDefault()));
    }

    [Function("Dashboard_ReleaseMove")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Move a release from the dashboard: the form's 'to' state (the roles and teams of POST /api/releases/{id}/transitions; anti-forgery token required)")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public async Task<IResult> MoveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "releases/{id:long}/move")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        DashboardAction action = await guard.ActionAsync(request, ct);
        if (action.Refusal is { } refusal)
        {
            return refusal;
        }

        if (!ReleasesHtml.MayMove(action.Session!))
        {
            return DashboardGuard.Forbidden("Moving a release needs the integrator, developer, operator or app-admin role.");
        }

        string back = $"/releases/{id.ToString(CultureInfo.InvariantCulture)}";
        string? text = action.Form!["to"].FirstOrDefault()?.Trim();
        if (!Enum.TryParse(text, ignoreCase: false, out RolloutProgress to) || !Enum.IsDefined(to) || !char.IsLetter(text![0]))
        {
            return DashboardGuard.Back(back, $"Release #{id} not moved: '{text}' is not a RolloutProgress state.");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(action.Session!.Caller, config.Releases);
        bool overrideFlag = string.Equals(action.Form["override"].FirstOrDefault(), "true", StringComparison.Ordinal);
        string? reason = action.Form["reason"].FirstOrDefault() is { Length: > 0 } given ? given.Trim() : "moved on the dashboard";
        (CommandOutcome<ReleaseState> outcome, ReleaseState state) = await ReleaseFunctions.HandleAsync(releases, id, null, new RequestTransition(actor, to, reason, overrideFlag), actor, ct);
        return outcome.Status != CommandStatus.Rejected ? DashboardGuard.Back(back, ReleasesHtml.Moved(state, to))
            : outcome.State.Exists ? DashboardGuard.Back(back, $"Release #{id} not moved to {to}: {outcome.Reason}")
            : DashboardGuard.Back("/releases", $"Release #{id} does not exist.");
    }
}

/// <summary>A major release's StageRollout slot: the release holding it and the releases waiting, in the slot's order.</summary>
public sealed record SlotQueue(string MajorRelease, ReleaseState? Holder, IReadOnlyList<(ReleaseState Release, SlotWaiter Waiter)> Waiting)
{
    /// <summary>The queue of <paramref name="slot"/>, named by its releases' major release; null for a free slot nobody waits for.</summary>
    public static SlotQueue? From(ReleaseSlotState slot, IReadOnlyDictionary<long, ReleaseState> releases)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(releases);
        ReleaseState? holder = slot.Holder is { } h ? releases.GetValueOrDefault(h) : null;
        var waiting = slot.Waiting.Where(w => releases.ContainsKey(w.Release)).Select(w => (releases[w.Release], w)).ToList();
        string? major = holder?.MajorRelease ?? waiting.Select(w => w.Item1.MajorRelease).FirstOrDefault(m => m is not null);
        return major is null || (holder is null && waiting.Count == 0) ? null : new SlotQueue(major, holder, waiting);
    }
}
