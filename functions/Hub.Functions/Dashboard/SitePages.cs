using Hub.Domain.Catalog;
using Hub.Domain.Configuration;
using Hub.Domain.Sites;
using Hub.Functions.Catalog;
using Hub.Functions.Durable;
using Hub.Functions.Sites;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The sites pages (docs/dashboard.md): each site (config/hub.yaml, or its stored version) with its services in
/// startup-rank order and its last runs; one site with its runs and a step timeline of the latest run (or the one
/// asked for with <c>?run=</c>). Read-only: runs are started and cancelled through the site API.
/// </summary>
public sealed class SitePages(
    DashboardGuard guard,
    AggregateProcessor<SiteEntryState, SiteEntryCommand, SiteEntryEvent> sites,
    AggregateProcessor<SiteRunState, SiteRunCommand, SiteRunEvent> runs,
    ServiceCatalogReader catalog,
    DurableStorage storage,
    AggregateStore store,
    HubConfiguration config,
    TimeProvider clock)
{
    /// <summary>Runs shown per site on the list.</summary>
    public const int LastRuns = 5;

    /// <summary>The roles of <c>GET /api/sites</c>.</summary>
    private static readonly Role[] Readers = [Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin];

    [Function("Dashboard_Sites")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: every site with its services in startup-rank order and its last runs (HTML)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public async Task<IResult> SitesAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sites")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        if (!Readers.Any(session.Caller.Has))
        {
            return DashboardGuard.Forbidden("The sites need one of the roles logs-reader, integrator, developer, operator or app-admin.");
        }

        await storage.EnsureAsync(ct);
        IReadOnlyDictionary<string, ServiceRecord> records = await RecordsAsync(ct);
        IReadOnlyList<SiteEntry> ordered = await SiteFunctions.EntriesAsync(config, store, ct);
        SiteRunState[] states = await Task.WhenAll(ordered.Select(async e => (await runs.GetAsync(SiteRunDecider.Id(e.Site.Name), ct))?.State ?? SiteRunState.None));
        return DashboardGuard.Page(SitesHtml.List(session, [.. ordered.Select((e, i) => new SiteCard(e, Members(e.Site, records), [.. states[i].Runs.Reverse().Take(LastRuns)]))], clock.GetUtcNow()));
    }

    [Function("Dashboard_Site")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: one site, its runs, and the step timeline of the latest run or ?run= (HTML)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> SiteAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sites/{name}")] HttpRequest request, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        if (!Readers.Any(session.Caller.Has))
        {
            return DashboardGuard.Forbidden("The sites need one of the roles logs-reader, integrator, developer, operator or app-admin.");
        }

        await storage.EnsureAsync(ct);
        SiteEntry? entry = await SiteFunctions.EntryAsync(sites, config, name, ct);
        if (entry is null)
        {
            return DashboardGuard.Page(SitesHtml.Missing(session, $"There is no site '{name}'."), StatusCodes.Status404NotFound);
        }

        SiteRunState state = (await runs.GetAsync(SiteRunDecider.Id(entry.Site.Name), ct))?.State ?? SiteRunState.None;
        string? asked = request.Query["run"].FirstOrDefault() is { Length: > 0 } r ? r : null;
        SiteRun? run = asked is null ? (state.Runs.Count > 0 ? state.Runs[^1] : null) : state.Run(asked);
        if (asked is not null && run is null)
        {
            return DashboardGuard.Page(SitesHtml.Missing(session, $"Site '{entry.Site.Name}' has no run '{asked}' (the last {state.Runs.Count} are kept)."), StatusCodes.Status404NotFound);
        }

        IReadOnlyDictionary<string, ServiceRecord> records = await RecordsAsync(ct);
        var card = new SiteCard(entry, Members(entry.Site, records), [.. state.Runs.Reverse()]);
        return DashboardGuard.Page(SitesHtml.Site(session, card, run, records, clock.GetUtcNow()));
    }

    private async Task<IReadOnlyDictionary<string, ServiceRecord>> RecordsAsync(CancellationToken ct) =>
        (await catalog.AllAsync(ct)).ToDictionary(e => e.Record.Name, e => e.Record, StringComparer.OrdinalIgnoreCase);

    // The members in the order Start runs them: ascending startup rank, equal ranks as listed (OrderBy is stable).
    private static IReadOnlyList<SiteService> Members(Site site, IReadOnlyDictionary<string, ServiceRecord> records) =>
        [.. site.Services
            .Select(m => new SiteService(m.Service, records.TryGetValue(m.Service, out ServiceRecord? r) ? r.StartupRank : null, m.After, records.GetValueOrDefault(m.Service)))
            .OrderBy(s => s.Rank ?? int.MaxValue)];
}

/// <summary>A site on the page: its entry, its members in start order, and runs newest first.</summary>
public sealed record SiteCard(SiteEntry Entry, IReadOnlyList<SiteService> Services, IReadOnlyList<SiteRun> Runs);

/// <summary>A member of a site with its startup rank and catalog record (null when the catalog no longer has it).</summary>
public sealed record SiteService(string Service, int? Rank, IReadOnlyList<string> After, ServiceRecord? Record);
