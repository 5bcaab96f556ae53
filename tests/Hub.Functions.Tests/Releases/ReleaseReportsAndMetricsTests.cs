using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Domain.Releases;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>Early-adopter reports and the consolidated report through the API, and the monthly metrics as JSON and CSV.</summary>
public sealed class ReleaseReportsAndMetricsTests
{
    private static readonly byte[] Rpm = Encoding.UTF8.GetBytes("rpm");

    [Fact]
    public async Task Reports_EarlyAdoptersAndConsolidated_RecordedAndCountedInTheMonthAsJsonAndCsv()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using TestHub hub = await StartAsync(null, services => services.AddSingleton<TimeProvider>(clock));
        long id = await StagedAsync(hub, clock);

        clock.Advance(TimeSpan.FromHours(5));
        HttpResponseMessage own = await Report(hub, id, EarlyAdopterKey, "ea-ibergrid", "accept");
        HttpResponseMessage forOther = await Report(hub, id, EarlyAdopterKey, "ea-ngi-de", "accept");
        HttpResponseMessage unknown = await Report(hub, id, SrKey, "ea-mars", "accept");
        HttpResponseMessage bySr = await Report(hub, id, SrKey, "ea-ngi-de", "reject");
        clock.Advance(TimeSpan.FromHours(5));
        await MoveAsync(hub, id, "Production", SrKey);
        clock.Advance(TimeSpan.FromHours(10));
        HttpResponseMessage consolidated = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/consolidated-report", SrKey, new { reportUrl = "https://wiki.example.org/sr/foo" });
        HttpResponseMessage json = await SendAsync(hub, HttpMethod.Get, "/api/metrics/releases?month=2026-03", ReaderKey);
        HttpResponseMessage csv = await SendAsync(hub, HttpMethod.Get, "/api/metrics/releases?month=2026-03&format=csv", ReaderKey);
        HttpResponseMessage badMonth = await SendAsync(hub, HttpMethod.Get, "/api/metrics/releases?month=March", ReaderKey);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, forOther.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bySr.StatusCode);
        Assert.Equal(HttpStatusCode.OK, consolidated.StatusCode);
        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal("https://wiki.example.org/sr/foo", release.ConsolidatedReportUrl);
        Assert.Equal([("ea-ibergrid", "IBERGRID", true), ("ea-ngi-de", "NGI_DE", false)], release.Reports.Select(r => (r.Team, r.Ngi, r.Accepted)));
        using JsonDocument figures = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        JsonElement m = figures.RootElement;
        // Hand-worked: one release delivered, verified and staged; two teams reported (one accept, one reject);
        // StageRollout at 11:00 on the 2nd -> Production 10 h later; the report 10 h after Production.
        Assert.Equal((1, 1, 1), (m.GetProperty("repo1Delivered").GetInt32(), m.GetProperty("repo2PassedVerification").GetInt32(), m.GetProperty("repo3PassedStageRollout").GetInt32()));
        Assert.Equal(2, m.GetProperty("sa1EarlyAdopterTeamsPerRelease").GetDouble());
        Assert.Equal((1, 1), (m.GetProperty("sa2SuccessfulStageRollouts").GetInt32(), m.GetProperty("sa3RejectedStageRollouts").GetInt32()));
        Assert.Equal(10, m.GetProperty("sa4StageRolloutToProductionHours").GetDouble());
        Assert.Equal(10, m.GetProperty("sa5ProductionToReportHours").GetDouble());
        Assert.Equal(1, m.GetProperty("sa7ReleasesPerNgi").GetProperty("NGI_DE").GetInt32());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        string[] lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal(["metric,key,value", "M.REPO-1,,1", "M.REPO-2,,1", "M.REPO-3,,1"], lines[..4]);
        Assert.Contains("M.SA1.3-6,ea-ibergrid,1", lines);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badMonth.StatusCode);
    }

    private static async Task<long> StagedAsync(TestHub hub, ManualClock clock)
    {
        long id = await CreateAsync(hub, null);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey,
            Xml("4.0.0", "umd-" + Guid.NewGuid().ToString("N")[..6], new Dictionary<string, byte[]> { ["x.rpm"] = Rpm }, dist: "m" + Guid.NewGuid().ToString("N")[..8]));
        await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=x.rpm", ProviderKey, Rpm);
        clock.Advance(TimeSpan.FromHours(1));
        await MoveAsync(hub, id, "Unverified", ProviderKey);
        await MoveAsync(hub, id, "InVerification", QcKey);
        clock.Advance(TimeSpan.FromHours(1));
        await MoveAsync(hub, id, "StageRollout", QcKey);
        return id;
    }

    private static Task<HttpResponseMessage> Report(TestHub hub, long id, string key, string team, string result) =>
        SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/stage-rollout-reports", key, new { team, result, reportUrl = $"https://wiki.example.org/{team}/{id}" });
}
