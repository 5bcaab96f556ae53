using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using Hub.Domain.Releases;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Releases;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The metrics page and each chart's CSV (docs/dashboard.md). The release figures are the months of the metrics table
/// summed as <c>GET /api/metrics/releases</c> sums them (<see cref="ReleaseMetrics.Month"/>); the incident figures come
/// from one pass over the incident states written since the range began. The page and the CSV render the same rows
/// (<see cref="MetricSeries"/>).
/// </summary>
public sealed class MetricPages(DashboardGuard guard, ReleaseMetricsStore releases, DurableStorage storage, AggregateStore store, TimeProvider clock)
{
    // Who may read the figures: the roles of GET /api/metrics/releases and GET /api/incidents.
    private static readonly Role[] Readers = [Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin];

    [Function("Dashboard_Metrics")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard's metric charts per month (HTML; from, to as yyyy-MM, default the last 12 months); without a session, a redirect to /sign-in")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> MetricsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        if (Check(request, session, out MonthRange? range) is { } refusal)
        {
            return refusal;
        }

        (IReadOnlyList<ReleaseMonthReport> reports, IReadOnlyList<IncidentState> incidents) = await LoadAsync(range!, true, true, ct);
        IReadOnlyList<string> months = range!.Months;
        MetricChart[] charts = [.. MetricSeries.Charts.Select(c => MetricSeries.Build(c, months, reports, incidents))];
        return DashboardGuard.Page(MetricsHtml.Page(session, range, charts));
    }

    [Function("Dashboard_MetricCsv")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("One metric chart as CSV, a row per month (from, to as on /metrics); an unknown chart is a 404")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> CsvAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/{chart}.csv")] HttpRequest request, string chart, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        if (MetricSeries.Find(chart) is not { } definition)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Unknown chart",
                detail: $"There is no chart '{chart}'; the charts are {string.Join(", ", MetricSeries.Charts.Select(c => c.Name))}.");
        }

        if (Check(request, session, out MonthRange? range) is { } refusal)
        {
            return refusal;
        }

        (IReadOnlyList<ReleaseMonthReport> reports, IReadOnlyList<IncidentState> incidents) =
            await LoadAsync(range!, definition.Source == MetricSource.Releases, definition.Source == MetricSource.Incidents, ct);
        string csv = MetricSeries.Csv(MetricSeries.Build(definition, range!.Months, reports, incidents));
        return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", definition.Name + ".csv");
    }

    // The role, then the range; a refusal, or null with the range.
    private IResult? Check(HttpRequest request, DashboardSession session, out MonthRange? range)
    {
        range = null;
        if (!Readers.Any(session.Caller.Has))
        {
            return DashboardGuard.Forbidden("The metrics need one of the roles logs-reader, integrator, developer, operator or app-admin.");
        }

        (range, string? field, string? rule) = MetricSeries.Range(request.Text("from"), request.Text("to"), clock.GetUtcNow());
        return range is null ? ApiAnswers.Invalid(field!, rule!) : null;
    }

    // The months' release figures (one partition query a month, at once) and the incidents written since the range
    // began (one pass, filtered by storage: an incident opened, acknowledged or resolved in the range was written then).
    private async Task<(IReadOnlyList<ReleaseMonthReport> Reports, IReadOnlyList<IncidentState> Incidents)> LoadAsync(
        MonthRange range, bool withReleases, bool withIncidents, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        Task<ReleaseMonthReport[]> reports = withReleases
            ? Task.WhenAll(range.Months.Select(async m => ReleaseMetrics.Month(m, await releases.MonthAsync(m, ct))))
            : Task.FromResult<ReleaseMonthReport[]>([]);
        var incidents = new List<IncidentState>();
        if (withIncidents)
        {
            await foreach (IncidentState state in StateRows.MatchingAsync<IncidentState>(store, IncidentDecider.AggregateKind, StateRows.UpdatedSince(range.Start), ct))
            {
                if (state.Exists)
                {
                    incidents.Add(state);
                }
            }
        }

        return (await reports, incidents);
    }
}
