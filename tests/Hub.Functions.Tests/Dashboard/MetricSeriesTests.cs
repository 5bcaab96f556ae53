using Hub.Domain.Incidents;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Dashboard;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>The metrics page's series, pure: the month range, the rows of each kind of chart, the percentiles, the CSV.</summary>
public sealed class MetricSeriesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T = new(2026, 10, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Range_DefaultsToTheLast12MonthsAndNamesTheFieldAtFault()
    {
        Assert.Equal(new MonthRange("2026-01", "2026-12"), MetricSeries.Range(null, null, Now).Range);
        Assert.Equal(new MonthRange("2025-07", "2026-06"), MetricSeries.Range(null, "2026-06", Now).Range);
        Assert.Equal(["2026-11", "2026-12", "2027-01"], MetricSeries.Range("2026-11", "2027-01", Now).Range!.Months);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), MetricSeries.Range("2026-11", "2027-01", Now).Range!.Start);
        Assert.Equal(("from", "must be a month as yyyy-MM"), Fault("March", null));
        Assert.Equal(("to", "must be a month as yyyy-MM"), Fault(null, "2026-13"));
        Assert.Equal(("from", "must not be after to (2026-12)"), Fault("2027-01", null));
        Assert.Equal(("from", "the range is at most 36 months; 2023-12 to 2026-12 is 37"), Fault("2023-12", "2026-12"));
        Assert.Equal(36, MetricSeries.Range("2024-01", "2026-12", Now).Range!.Months.Count);
    }

    [Fact]
    public void Build_ReleaseCharts_OneRowPerMonthFromTheMonthsFigures()
    {
        string[] months = ["2026-09", "2026-10", "2026-11"];
        ReleaseMonthReport[] reports = [.. months.Select(m => ReleaseMetrics.Month(m, ReleaseMetrics.Facts(Staged(1)).Concat(ReleaseMetrics.Facts(Delivered(2, T.AddMonths(1))))))];

        MetricChart repo = Build("repo", months, reports);
        MetricChart hours = Build("stage-rollout-hours", months, reports);
        MetricChart teams = Build("teams", months, reports);
        MetricChart states = Build("time-in-state", months, reports);

        Assert.Equal("month,M.REPO-1 delivered,M.REPO-2 passed verification,M.REPO-3 passed staged rollout\r\n2026-09,0,0,0\r\n2026-10,1,1,1\r\n2026-11,1,0,0\r\n", MetricSeries.Csv(repo));
        Assert.Equal("month,M.SA1.3-4 StageRollout to Production,M.SA1.3-5 Production to consolidated report\r\n2026-09,,\r\n2026-10,10,10\r\n2026-11,,\r\n", MetricSeries.Csv(hours));
        Assert.Equal("month,ea-ibergrid,ea-ngi-de\r\n2026-09,0,0\r\n2026-10,1,1\r\n2026-11,0,0\r\n", MetricSeries.Csv(teams));
        Assert.Equal("month,Submitted,Unverified,InVerification,StageRollout\r\n2026-09,,,,\r\n2026-10,1,1,1,10\r\n2026-11,,,,\r\n", MetricSeries.Csv(states));
    }

    [Fact]
    public void Build_IncidentCharts_CountOpenedAndTakeMedianAndP95InTheMonthOfTheEvent()
    {
        string[] months = ["2026-10", "2026-11"];
        IncidentState[] incidents =
        [
            Incident(1, IncidentKinds.Urgent, T, TimeSpan.FromMinutes(10), TimeSpan.FromHours(2)),
            Incident(2, IncidentKinds.Urgent, T, TimeSpan.FromMinutes(20), null),
            Incident(3, IncidentKinds.Urgent, T, TimeSpan.FromMinutes(60), null),
            // Opened at the end of October, acknowledged and resolved in November.
            Incident(4, IncidentKinds.Urgent, new DateTimeOffset(2026, 10, 31, 23, 30, 0, TimeSpan.Zero), TimeSpan.FromMinutes(45), TimeSpan.FromHours(5)),
            Incident(5, IncidentKinds.BugReport, T.AddMonths(1), null, null),
        ];

        MetricChart opened = MetricSeries.Build(MetricSeries.Find("incidents-opened")!, months, [], incidents);
        MetricChart ack = MetricSeries.Build(MetricSeries.Find("time-to-acknowledge")!, months, [], incidents);
        MetricChart resolve = MetricSeries.Build(MetricSeries.Find("time-to-resolve")!, months, [], incidents);

        Assert.Equal("month,urgent,bug-report\r\n2026-10,4,0\r\n2026-11,0,1\r\n", MetricSeries.Csv(opened));
        // 10, 20, 60 min in October: the median 20; p95 at rank 1.9, 20 + 0.9 * 40.
        Assert.Equal("month,median,p95\r\n2026-10,20,56\r\n2026-11,45,45\r\n", MetricSeries.Csv(ack));
        Assert.Equal("month,median,p95\r\n2026-10,2,2\r\n2026-11,5,5\r\n", MetricSeries.Csv(resolve));
        Assert.Equal(21, MetricSeries.Percentile([30, 12], 0.5));
        Assert.Equal(29.1, MetricSeries.Percentile([12, 30], 0.95));
        Assert.Null(MetricSeries.Percentile([], 0.5));
    }

    [Fact]
    public void Csv_HeaderAndARowPerMonth_QuotedAsRfc4180()
    {
        var chart = new MetricChart(MetricSeries.Find("teams")!, ["ea, \"one\"", "ea-two"], [new("2026-10", [1, null]), new("2026-11", [0.126, 2])]);

        Assert.Equal("month,\"ea, \"\"one\"\"\",ea-two\r\n2026-10,1,\r\n2026-11,0.13,2\r\n", MetricSeries.Csv(chart));
        Assert.Null(MetricSeries.Find("nope"));
    }

    private static (string?, string?) Fault(string? from, string? to)
    {
        (MonthRange? range, string? field, string? rule) = MetricSeries.Range(from, to, Now);
        Assert.Null(range);
        return (field, rule);
    }

    private static MetricChart Build(string name, IReadOnlyList<string> months, IEnumerable<ReleaseMonthReport> reports) =>
        MetricSeries.Build(MetricSeries.Find(name)!, months, reports, []);

    // Through StageRollout into Production in October: two teams report, the consolidated report 10 h after Production.
    internal static ReleaseMetricsSnapshot Staged(long release) => new(
        release, 9, "staged", false,
        [
            new(RolloutProgress.Submitted, T), new(RolloutProgress.Unverified, T.AddHours(1)), new(RolloutProgress.InVerification, T.AddHours(2)),
            new(RolloutProgress.StageRollout, T.AddHours(3)), new(RolloutProgress.Production, T.AddHours(13)),
        ],
        [
            new("ea-ibergrid", "IBERGRID", true, "https://wiki.example.org/ibergrid", null, T.AddHours(5)),
            new("ea-ngi-de", "NGI_DE", false, "https://wiki.example.org/de", null, T.AddHours(6)),
        ],
        T.AddHours(23));

    internal static ReleaseMetricsSnapshot Delivered(long release, DateTimeOffset at) =>
        new(release, 2, "delivered", false, [new(RolloutProgress.Submitted, at), new(RolloutProgress.Unverified, at.AddHours(1))], [], null);

    private static IncidentState Incident(long ticket, string kind, DateTimeOffset opened, TimeSpan? ack, TimeSpan? resolved) => new()
    {
        Ticket = ticket,
        Kind = kind,
        OpenedAt = opened,
        Acknowledged = ack is { } a ? new AckRecord("alice", opened + a, 0, 1, null) : null,
        ResolvedAt = opened + resolved,
    };
}
