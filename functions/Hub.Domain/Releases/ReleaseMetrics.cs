using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Releases;

/// <summary>
/// The payload of a <c>release.metrics</c> side effect: everything the monthly metrics need from one release, as of
/// <see cref="Version"/>. The handler keeps the newest snapshot per (month, release) in the metrics table.
/// </summary>
public sealed record ReleaseMetricsSnapshot(
    long Release,
    long Version,
    string Title,
    bool Emergency,
    IReadOnlyList<StateEntry> Entries,
    IReadOnlyList<StageRolloutReport> Reports,
    DateTimeOffset? ConsolidatedReportAt)
{
    public const string EffectKind = "release.metrics";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ReleaseMetricsSnapshot Of(ReleaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(state.Number, state.Version, state.Title, state.Emergency, state.Entries, state.Reports, state.ConsolidatedReportAt);
    }

    public static SideEffect Effect(ReleaseMetricsSnapshot snapshot) => new(EffectKind, JsonSerializer.Serialize(snapshot, Json));
}

/// <summary>What one release contributed to one month (UTC). Months are named yyyy-MM.</summary>
/// <param name="Delivered">M.REPO-1: the provider delivered it (it first entered Unverified) this month.</param>
/// <param name="PassedVerification">M.REPO-2: it first left verification for StageRollout or Deferred this month.</param>
/// <param name="PassedStageRollout">M.REPO-3: it went StageRollout -> Production this month.</param>
/// <param name="EarlyAdopterTeams">M.SA1.3-1: its staged rollout ended this month, with this many teams reporting.</param>
/// <param name="Accepted">M.SA1.3-2: teams whose (latest) report, filed this month, accepted the staged rollout.</param>
/// <param name="Rejected">M.SA1.3-3: teams whose (latest) report, filed this month, rejected it.</param>
/// <param name="StageRolloutToProduction">M.SA1.3-4: it reached Production this month, this long after entering StageRollout.</param>
/// <param name="ProductionToReport">M.SA1.3-5: its consolidated report and Production are both there, the later this month; this long apart (0 when the report came first).</param>
/// <param name="Ngis">The NGI of each team in <paramref name="Teams"/>.</param>
/// <param name="TimeInState">It closed this month; its time in each state.</param>
public sealed record ReleaseMonthFacts(
    long Release,
    string Month,
    long Version,
    bool Delivered,
    bool PassedVerification,
    bool PassedStageRollout,
    int? EarlyAdopterTeams,
    IReadOnlyList<string> Accepted,
    IReadOnlyList<string> Rejected,
    TimeSpan? StageRolloutToProduction,
    TimeSpan? ProductionToReport,
    IReadOnlyList<string> Teams,
    IReadOnlyList<string> Ngis,
    IReadOnlyDictionary<RolloutProgress, TimeSpan>? TimeInState);

/// <summary>One month's figures (M.REPO-1..3, M.SA1.3-1..7, time in state), from the facts of every release.</summary>
public sealed record ReleaseMonthReport(
    string Month,
    int Repo1Delivered,
    int Repo2PassedVerification,
    int Repo3PassedStageRollout,
    double? Sa1EarlyAdopterTeamsPerRelease,
    IReadOnlyDictionary<long, int> Sa1TeamsByRelease,
    int Sa2SuccessfulStageRollouts,
    int Sa3RejectedStageRollouts,
    double? Sa4StageRolloutToProductionHours,
    int Sa4Releases,
    double? Sa5ProductionToReportHours,
    int Sa5Releases,
    IReadOnlyDictionary<string, int> Sa6ReleasesPerTeam,
    IReadOnlyDictionary<string, int> Sa7ReleasesPerNgi,
    IReadOnlyDictionary<RolloutProgress, double> AverageHoursInState,
    IReadOnlyDictionary<long, IReadOnlyDictionary<RolloutProgress, double>> HoursInStateByRelease);

/// <summary>The metric definitions (docs/releases.md): pure functions from a release's history to monthly facts, and from facts to a month.</summary>
public static class ReleaseMetrics
{
    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The facts of one release for each month it contributed to.</summary>
    public static IReadOnlyList<ReleaseMonthFacts> Facts(ReleaseMetricsSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var months = new SortedDictionary<string, Builder>(StringComparer.Ordinal);
        Builder At(DateTimeOffset at) => months.TryGetValue(MonthOf(at), out Builder? b) ? b : months[MonthOf(at)] = new Builder();

        IReadOnlyList<StateEntry> e = s.Entries;
        if (e.FirstOrDefault(x => x.State == RolloutProgress.Unverified) is { } delivered)
        {
            At(delivered.At).Delivered = true;
        }

        if (e.FirstOrDefault(x => x.State is RolloutProgress.StageRollout or RolloutProgress.Deferred) is { } verified)
        {
            At(verified.At).PassedVerification = true;
        }

        DateTimeOffset? production = null;
        for (int i = 1; i < e.Count; i++)
        {
            if (e[i].State == RolloutProgress.Production && e[i - 1].State == RolloutProgress.StageRollout)
            {
                Builder b = At(e[i].At);
                b.PassedStageRollout = true;
                b.StageRolloutToProduction = e[i].At - e[i - 1].At;
            }

            if (e[i].State == RolloutProgress.Production)
            {
                production = e[i].At;
            }

            // The staged rollout ended (not by failing: a retry resumes it).
            if (e[i - 1].State == RolloutProgress.StageRollout && ReleaseTransitions.IsClosed(e[i].State))
            {
                At(e[i].At).EarlyAdopterTeams = s.Reports.Select(r => r.Team).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            }
        }

        foreach (StageRolloutReport latest in s.Reports.GroupBy(r => r.Team, StringComparer.OrdinalIgnoreCase).Select(g => g.Last()))
        {
            (latest.Accepted ? At(latest.At).Accepted : At(latest.At).Rejected).Add(latest.Team);
        }

        foreach (StageRolloutReport report in s.Reports)
        {
            Builder b = At(report.At);
            if (!b.Teams.Contains(report.Team, StringComparer.OrdinalIgnoreCase))
            {
                b.Teams.Add(report.Team);
                b.Ngis.Add(report.Ngi);
            }
        }

        if (production is { } p && s.ConsolidatedReportAt is { } report2)
        {
            At(report2 > p ? report2 : p).ProductionToReport = report2 > p ? report2 - p : TimeSpan.Zero;
        }

        if (e.Count > 0 && ReleaseTransitions.IsClosed(e[^1].State))
        {
            var times = new Dictionary<RolloutProgress, TimeSpan>();
            for (int i = 0; i + 1 < e.Count; i++)
            {
                times[e[i].State] = times.GetValueOrDefault(e[i].State) + (e[i + 1].At - e[i].At);
            }

            At(e[^1].At).TimeInState = times;
        }

        return [.. months.Select(m => m.Value.Build(s.Release, m.Key, s.Version))];
    }

    /// <summary>A month's figures from the facts of every release that contributed to it.</summary>
    public static ReleaseMonthReport Month(string month, IEnumerable<ReleaseMonthFacts> facts)
    {
        List<ReleaseMonthFacts> f = [.. facts.Where(x => x.Month == month).OrderBy(x => x.Release)];
        var sa1 = f.Where(x => x.EarlyAdopterTeams is not null).ToDictionary(x => x.Release, x => x.EarlyAdopterTeams!.Value);
        List<TimeSpan> sa4 = [.. f.Where(x => x.StageRolloutToProduction is not null).Select(x => x.StageRolloutToProduction!.Value)];
        List<TimeSpan> sa5 = [.. f.Where(x => x.ProductionToReport is not null).Select(x => x.ProductionToReport!.Value)];
        var perTeam = new SortedDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var perNgi = new SortedDictionary<string, HashSet<long>>(StringComparer.OrdinalIgnoreCase);
        foreach (ReleaseMonthFacts x in f)
        {
            for (int i = 0; i < x.Teams.Count; i++)
            {
                perTeam[x.Teams[i]] = perTeam.GetValueOrDefault(x.Teams[i]) + 1;
                (perNgi.TryGetValue(x.Ngis[i], out HashSet<long>? set) ? set : perNgi[x.Ngis[i]] = []).Add(x.Release);
            }
        }

        var closed = f.Where(x => x.TimeInState is not null).ToList();
        var byRelease = closed.ToDictionary(
            x => x.Release,
            x => (IReadOnlyDictionary<RolloutProgress, double>)x.TimeInState!.ToDictionary(t => t.Key, t => Hours(t.Value)));
        var average = closed.SelectMany(x => x.TimeInState!).GroupBy(t => t.Key)
            .OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => Round(g.Sum(t => t.Value.TotalHours) / closed.Count));

        return new ReleaseMonthReport(
            month,
            f.Count(x => x.Delivered),
            f.Count(x => x.PassedVerification),
            f.Count(x => x.PassedStageRollout),
            sa1.Count == 0 ? null : Round(sa1.Values.Average()),
            sa1,
            f.Sum(x => x.Accepted.Count),
            f.Sum(x => x.Rejected.Count),
            sa4.Count == 0 ? null : Round(sa4.Average(t => t.TotalHours)),
            sa4.Count,
            sa5.Count == 0 ? null : Round(sa5.Average(t => t.TotalHours)),
            sa5.Count,
            perTeam,
            perNgi.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.OrdinalIgnoreCase),
            average,
            byRelease);
    }

    /// <summary>The month as CSV: <c>metric,key,value</c>, one figure a line (RFC 4180).</summary>
    public static string Csv(ReleaseMonthReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var csv = new StringBuilder("metric,key,value\r\n");
        void Line(string metric, string key, object? value) =>
            csv.Append(Field(metric)).Append(',').Append(Field(key)).Append(',').Append(Field(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append("\r\n");

        Line("M.REPO-1", "", r.Repo1Delivered);
        Line("M.REPO-2", "", r.Repo2PassedVerification);
        Line("M.REPO-3", "", r.Repo3PassedStageRollout);
        Line("M.SA1.3-1", "average", r.Sa1EarlyAdopterTeamsPerRelease);
        foreach ((long release, int teams) in r.Sa1TeamsByRelease)
        {
            Line("M.SA1.3-1", $"#{release.ToString(CultureInfo.InvariantCulture)}", teams);
        }

        Line("M.SA1.3-2", "", r.Sa2SuccessfulStageRollouts);
        Line("M.SA1.3-3", "", r.Sa3RejectedStageRollouts);
        Line("M.SA1.3-4", "average-hours", r.Sa4StageRolloutToProductionHours);
        Line("M.SA1.3-4", "releases", r.Sa4Releases);
        Line("M.SA1.3-5", "average-hours", r.Sa5ProductionToReportHours);
        Line("M.SA1.3-5", "releases", r.Sa5Releases);
        foreach ((string team, int n) in r.Sa6ReleasesPerTeam)
        {
            Line("M.SA1.3-6", team, n);
        }

        foreach ((string ngi, int n) in r.Sa7ReleasesPerNgi)
        {
            Line("M.SA1.3-7", ngi, n);
        }

        foreach ((RolloutProgress state, double hours) in r.AverageHoursInState)
        {
            Line("time-in-state", state.ToString(), hours);
        }

        return csv.ToString();
    }

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static double Hours(TimeSpan t) => Round(t.TotalHours);

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private sealed class Builder
    {
        public bool Delivered { get; set; }

        public bool PassedVerification { get; set; }

        public bool PassedStageRollout { get; set; }

        public int? EarlyAdopterTeams { get; set; }

        public List<string> Accepted { get; } = [];

        public List<string> Rejected { get; } = [];

        public TimeSpan? StageRolloutToProduction { get; set; }

        public TimeSpan? ProductionToReport { get; set; }

        public List<string> Teams { get; } = [];

        public List<string> Ngis { get; } = [];

        public Dictionary<RolloutProgress, TimeSpan>? TimeInState { get; set; }

        public ReleaseMonthFacts Build(long release, string month, long version) => new(
            release, month, version, Delivered, PassedVerification, PassedStageRollout, EarlyAdopterTeams, Accepted, Rejected,
            StageRolloutToProduction, ProductionToReport, Teams, Ngis, TimeInState);
    }
}
