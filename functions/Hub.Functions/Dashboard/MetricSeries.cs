using System.Globalization;
using System.Text;
using Hub.Domain.Incidents;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;

namespace Hub.Functions.Dashboard;

/// <summary>Where a chart's figures come from: the release metrics table's months, or the incident states.</summary>
public enum MetricSource
{
    Releases,
    Incidents,
}

/// <summary>A chart on the metrics page: its name (the figure's id and the CSV's file name), heading, unit and source.</summary>
public sealed record MetricChartDefinition(string Name, string Title, string Unit, MetricSource Source);

/// <summary>One chart's series: a column per series and a row per month, each value null where the month has none.</summary>
public sealed record MetricChart(MetricChartDefinition Definition, IReadOnlyList<string> Columns, IReadOnlyList<MetricRow> Rows)
{
    public string Name => Definition.Name;
}

public sealed record MetricRow(string Month, IReadOnlyList<double?> Values);

/// <summary>The months a metrics request covers, first to last (UTC calendar months, yyyy-MM).</summary>
public sealed record MonthRange(string From, string To)
{
    public IReadOnlyList<string> Months
    {
        get
        {
            var months = new List<string>();
            for (DateTime m = MetricSeries.ParseMonth(From)!.Value, last = MetricSeries.ParseMonth(To)!.Value; m <= last; m = m.AddMonths(1))
            {
                months.Add(m.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            }

            return months;
        }
    }

    /// <summary>The first instant of the range (UTC).</summary>
    public DateTimeOffset Start => new(MetricSeries.ParseMonth(From)!.Value, TimeSpan.Zero);
}

/// <summary>
/// The metrics page's series (docs/dashboard.md), pure: from the months' release figures (<see cref="ReleaseMetrics.Month"/>,
/// the same as <c>GET /api/metrics/releases</c>) and the incident states to one row per month per chart. The page's SVG and
/// data table and the chart's CSV all render the rows this class produces.
/// </summary>
public static class MetricSeries
{
    /// <summary>The longest range one request may ask for, so a page's work stays bounded.</summary>
    public const int MaxMonths = 36;

    /// <summary>The default range: this many months up to the current one.</summary>
    public const int DefaultMonths = 12;

    public static readonly IReadOnlyList<MetricChartDefinition> Charts =
    [
        new("repo", "Releases delivered, verified and through staged rollout (M.REPO-1..3)", "releases", MetricSource.Releases),
        new("early-adopter-teams", "Early-adopter teams per release (M.SA1.3-1)", "teams", MetricSource.Releases),
        new("stage-rollout-reports", "Staged rollouts accepted and rejected (M.SA1.3-2, M.SA1.3-3)", "teams", MetricSource.Releases),
        new("stage-rollout-hours", "StageRollout to Production and Production to consolidated report (M.SA1.3-4, M.SA1.3-5)", "hours", MetricSource.Releases),
        new("teams", "Releases each team reported on (M.SA1.3-6)", "releases", MetricSource.Releases),
        new("ngis", "Releases each NGI reported on (M.SA1.3-7)", "releases", MetricSource.Releases),
        new("time-in-state", "Average time in each state, releases closed in the month", "hours", MetricSource.Releases),
        new("incidents-opened", "Incidents opened", "incidents", MetricSource.Incidents),
        new("time-to-acknowledge", "Time to acknowledge, urgent incidents (median and p95)", "minutes", MetricSource.Incidents),
        new("time-to-resolve", "Time to resolve (median and p95)", "hours", MetricSource.Incidents),
    ];

    public static MetricChartDefinition? Find(string? name) => Charts.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    public static DateTime? ParseMonth(string? text) =>
        text is not null && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime month) ? month : null;

    /// <summary>
    /// The range asked for by <c>from</c> and <c>to</c> (yyyy-MM, both optional): <c>to</c> defaults to the month of
    /// <paramref name="now"/>, <c>from</c> to <see cref="DefaultMonths"/> months up to <c>to</c>. Else the field at fault and its rule.
    /// </summary>
    public static (MonthRange? Range, string? Field, string? Rule) Range(string? from, string? to, DateTimeOffset now)
    {
        const string Format = "must be a month as yyyy-MM";
        DateTime? last = to is null ? new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Unspecified) : ParseMonth(to);
        if (last is null)
        {
            return (null, "to", Format);
        }

        DateTime? first = from is null ? last.Value.AddMonths(1 - DefaultMonths) : ParseMonth(from);
        if (first is null)
        {
            return (null, "from", Format);
        }

        if (first > last)
        {
            return (null, "from", $"must not be after to ({Month(last.Value)})");
        }

        int months = ((last.Value.Year - first.Value.Year) * 12) + last.Value.Month - first.Value.Month + 1;
        return months > MaxMonths
            ? (null, "from", $"the range is at most {MaxMonths} months; {Month(first.Value)} to {Month(last.Value)} is {months}")
            : (new MonthRange(Month(first.Value), Month(last.Value)), null, null);
    }

    /// <summary>The rows of chart <paramref name="chart"/> for <paramref name="months"/>.</summary>
    /// <param name="reports">The release figures of each month (a chart of incidents ignores them); a month without one has none.</param>
    /// <param name="incidents">Incidents with something in the range (a chart of releases ignores them).</param>
    public static MetricChart Build(MetricChartDefinition chart, IReadOnlyList<string> months, IEnumerable<ReleaseMonthReport> reports, IEnumerable<IncidentState> incidents)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(months);
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(incidents);
        Dictionary<string, ReleaseMonthReport> byMonth = reports.ToDictionary(r => r.Month, StringComparer.Ordinal);
        ReleaseMonthReport Report(string month) => byMonth.TryGetValue(month, out ReleaseMonthReport? r) ? r : ReleaseMetrics.Month(month, []);

        MetricChart Releases(IReadOnlyList<string> columns, Func<ReleaseMonthReport, IEnumerable<double?>> values) =>
            new(chart, columns, [.. months.Select(m => new MetricRow(m, [.. values(Report(m))]))]);

        switch (chart.Name)
        {
            case "repo":
                return Releases(["M.REPO-1 delivered", "M.REPO-2 passed verification", "M.REPO-3 passed staged rollout"],
                    r => [r.Repo1Delivered, r.Repo2PassedVerification, r.Repo3PassedStageRollout]);
            case "early-adopter-teams":
                return Releases(["M.SA1.3-1 teams per release"], r => [r.Sa1EarlyAdopterTeamsPerRelease]);
            case "stage-rollout-reports":
                return Releases(["M.SA1.3-2 accepted", "M.SA1.3-3 rejected"], r => [r.Sa2SuccessfulStageRollouts, r.Sa3RejectedStageRollouts]);
            case "stage-rollout-hours":
                return Releases(["M.SA1.3-4 StageRollout to Production", "M.SA1.3-5 Production to consolidated report"],
                    r => [r.Sa4StageRolloutToProductionHours, r.Sa5ProductionToReportHours]);
            case "teams":
                return PerKey(chart, months, Report, r => r.Sa6ReleasesPerTeam);
            case "ngis":
                return PerKey(chart, months, Report, r => r.Sa7ReleasesPerNgi);
            case "time-in-state":
            {
                RolloutProgress[] states = [.. months.SelectMany(m => Report(m).AverageHoursInState.Keys).Distinct().Order()];
                // A month where releases closed spent 0 h in a state none of them visited; a month where none closed has no figure.
                return Releases([.. states.Select(s => s.ToString())], r => states.Select(s =>
                    r.HoursInStateByRelease.Count == 0 ? (double?)null : r.AverageHoursInState.GetValueOrDefault(s)));
            }

            case "incidents-opened":
            {
                string[] kinds = [IncidentKinds.Urgent, IncidentKinds.BugReport];
                var opened = incidents.CountBy(i => (ReleaseMetrics.MonthOf(i.OpenedAt), i.Kind)).ToDictionary();
                return new(chart, kinds, [.. months.Select(m => new MetricRow(m, [.. kinds.Select(k => (double?)opened.GetValueOrDefault((m, k)))]))]);
            }

            case "time-to-acknowledge":
                return Durations(chart, months, incidents.Where(i => i.Kind == IncidentKinds.Urgent && i.Acknowledged is not null)
                    .Select(i => (i.Acknowledged!.At, (i.Acknowledged.At - i.OpenedAt).TotalMinutes)));
            case "time-to-resolve":
                return Durations(chart, months, incidents.Where(i => i.ResolvedAt is not null)
                    .Select(i => (i.ResolvedAt!.Value, (i.ResolvedAt.Value - i.OpenedAt).TotalHours)));
            default:
                throw new ArgumentException($"No chart named '{chart.Name}'.", nameof(chart));
        }
    }

    /// <summary>The chart as CSV (RFC 4180): a header row <c>month,&lt;columns&gt;</c>, then one row per month; a month without a figure has an empty field.</summary>
    public static string Csv(MetricChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var csv = new StringBuilder();
        csv.AppendJoin(',', chart.Columns.Prepend("month").Select(Field)).Append("\r\n");
        foreach (MetricRow row in chart.Rows)
        {
            csv.AppendJoin(',', row.Values.Select(Number).Prepend(row.Month).Select(Field)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>A figure as the CSV, the table and the hover text show it: up to two decimals, invariant culture; empty for none.</summary>
    public static string Number(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The <paramref name="p"/> quantile (0..1) of <paramref name="values"/>, interpolating linearly between the closest ranks; null for none.</summary>
    public static double? Percentile(IEnumerable<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return null;
        }

        double rank = p * (sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = (int)Math.Ceiling(rank);
        return Round(sorted[low] + ((rank - low) * (sorted[high] - sorted[low])));
    }

    private static MetricChart PerKey(
        MetricChartDefinition chart, IReadOnlyList<string> months, Func<string, ReleaseMonthReport> report, Func<ReleaseMonthReport, IReadOnlyDictionary<string, int>> counts)
    {
        string[] keys = [.. months.SelectMany(m => counts(report(m)).Keys).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
        return new(chart, keys, [.. months.Select(m =>
        {
            IReadOnlyDictionary<string, int> c = counts(report(m));
            return new MetricRow(m, [.. keys.Select(k => (double?)c.GetValueOrDefault(k))]);
        })]);
    }

    // Median and p95 of the durations whose event (acknowledge, resolve) fell in each month.
    private static MetricChart Durations(MetricChartDefinition chart, IReadOnlyList<string> months, IEnumerable<(DateTimeOffset At, double Value)> durations)
    {
        ILookup<string, double> byMonth = durations.ToLookup(d => ReleaseMetrics.MonthOf(d.At), d => d.Value, StringComparer.Ordinal);
        return new(chart, ["median", "p95"], [.. months.Select(m => new MetricRow(m, [Percentile(byMonth[m], 0.5), Percentile(byMonth[m], 0.95)]))]);
    }

    private static string Month(DateTime month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
