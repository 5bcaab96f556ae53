using Hub.Domain.Catalog;
using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Functions.Catalog;
using Hub.Functions.Durable;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The changes pages (docs/dashboard.md): the calendar of the release windows per tier for the coming 14 days with
/// the scheduled and running changes placed in them, the changes in progress or waiting for approval; and one change
/// with its fields, where it is in its tier walk, and its whole history. Read-only: the change API acts on changes.
/// </summary>
public sealed class ChangePages(
    DashboardGuard guard,
    AggregateProcessor<ChangeState, ChangeCommand, ChangeEvent> changes,
    ServiceCatalogReader catalog,
    DurableStorage storage,
    AggregateStore store,
    TimeProvider clock)
{
    /// <summary>Days the calendar covers, from today (UTC, by the hub's clock).</summary>
    public const int Days = 14;

    /// <summary>The roles of <c>GET /api/changes</c>: every role reads the changes.</summary>
    private static readonly Role[] Readers = [Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.Pipeline, Role.AppAdmin];

    /// <summary>The progresses of a change still under way (not closed, not completed): a state name starts with one of them.</summary>
    private static readonly ChangeProgress[] UnderWay =
    [
        ChangeProgress.AwaitingPipeline, ChangeProgress.Ready, ChangeProgress.WaitingForWindow, ChangeProgress.Installing,
        ChangeProgress.Installed, ChangeProgress.Failed, ChangeProgress.RollingBack,
    ];

    [Function("Dashboard_Changes")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: the release windows per tier for 14 days with the changes scheduled and running in them, and the changes under way (HTML)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public async Task<IResult> CalendarAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "changes")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        if (!Readers.Any(session.Caller.Has))
        {
            return DashboardGuard.Forbidden("The changes need one of the roles logs-reader, integrator, developer, operator, pipeline or app-admin.");
        }

        await storage.EnsureAsync(ct);
        DateTimeOffset now = clock.GetUtcNow();
        var from = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        DateTimeOffset to = from.AddDays(Days);

        // One pass over the changes under way: storage filters the state rows by their state name's progress.
        var open = new List<ChangeState>();
        await foreach (ChangeState state in StateRows.MatchingAsync<ChangeState>(store, ChangeDecider.AggregateKind, UnderWayFilter(), ct))
        {
            if (state.Exists && !state.IsClosed)
            {
                open.Add(state);
            }
        }

        var services = new List<ServiceWindows>();
        foreach (ServiceEntry entry in await catalog.AllAsync(ct))
        {
            ServiceRecord record = entry.Record;
            string[] tiers = [.. record.Tiers.Select(t => t.Name.Trim().ToUpperInvariant())];
            IReadOnlyList<WindowOccurrence> openings = ServiceReleaseWindows.Of(record) is { IsOk: true } windows ? windows.Value!.Occurrences(from, to) : [];
            services.Add(new ServiceWindows(record.Name, tiers, [.. tiers.Where(Windowed)], openings));
        }

        return DashboardGuard.Page(ChangesHtml.Calendar(session, from, Days, services, [.. open.OrderBy(c => c.Number)], now));
    }

    [Function("Dashboard_Change")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: one change with its fields, its tier walk and its history (HTML)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> ChangeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "changes/{number:long}")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        if (!Readers.Any(session.Caller.Has))
        {
            return DashboardGuard.Forbidden("The changes need one of the roles logs-reader, integrator, developer, operator, pipeline or app-admin.");
        }

        await storage.EnsureAsync(ct);
        string id = ChangeDecider.IdOf(number);
        if ((await changes.GetAsync(id, ct))?.State is not { Exists: true } state)
        {
            return DashboardGuard.Page(ChangesHtml.Missing(session, number), StatusCodes.Status404NotFound);
        }

        IReadOnlyList<EventRecord> history = await changes.AllHistoryAsync(id, ct);
        return DashboardGuard.Page(ChangesHtml.Change(session, state, history, clock.GetUtcNow()));
    }

    /// <summary>Whether a tier waits for a release window: the production-like ones (every name but DEV and TEST).</summary>
    internal static bool Windowed(string tier) => ChangeTier.Named(tier) is not { IsOk: true } named || named.Value!.ProductionLike;

    // State names are "<progress>" or "<progress> <tier>": each progress under way is a range of names ('~' sorts after
    // letters, digits and the space).
    private static string UnderWayFilter() =>
        string.Join(" or ", UnderWay.Select(p => $"(StateName ge '{p}' and StateName lt '{p}~')"));
}

/// <summary>A catalogued service's release windows on the calendar: its tiers, the ones that wait for a window, and its openings.</summary>
public sealed record ServiceWindows(string Service, IReadOnlyList<string> Tiers, IReadOnlyList<string> WindowedTiers, IReadOnlyList<WindowOccurrence> Openings);
