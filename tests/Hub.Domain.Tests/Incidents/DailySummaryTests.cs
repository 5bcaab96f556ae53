using Hub.Domain.Changes;
using Hub.Domain.Incidents;
using Hub.Domain.Tests.Changes;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Incidents;

/// <summary>The daily summary's section of changes scheduled in the next 24 hours, on the London fixture service (GMT in early March).</summary>
public sealed class DailySummaryTests
{
    // Tuesday 3 March 2026, 12:00 UTC: map-portal's next window opens tonight at 22:00.
    private static readonly DateTimeOffset Now = At(3, 12);

    private static readonly ChangeService Search = Service with
    {
        Name = "map-search",
        Windows = [new WeeklyWindow([DayOfWeek.Thursday], new TimeOnly(22, 0), TimeSpan.FromHours(2))],
    };

    [Fact]
    public void Build_ChangesWaitingForWindows_ListsThoseStartingInTheNext24HoursWithEmergenciesFlagged()
    {
        ChangeFixture emergency = Waiting(8, "Search down for everyone", ChangeKind.Emergency, Service);
        ChangeFixture enhancement = Waiting(7, "Portal search rewrite", ChangeKind.Enhancement, Service);
        ChangeFixture thursday = Waiting(9, "Search index rebuild", ChangeKind.Enhancement, Search);
        ChangeFixture installed = Approved(through: "TEST", number: 10, summary: "Installed on TEST, not promoted");

        string summary = DailySummary.Build("2026-03-03", Now, [], [], [emergency.State, thursday.State, installed.State, enhancement.State], []);

        Assert.Equal(
            [
                "Daily summary for 2026-03-03 (2026-03-03 12:00 UTC)",
                "",
                "Open incidents (0):",
                "- none",
                "",
                "Resolved in the last 24 hours (0):",
                "- none",
                "",
                "Releases that moved in the last 24 hours (0):",
                "- none",
                "",
                "Changes scheduled in the next 24 hours (2):",
                "- #7 map-portal 2.4.1 to STAGE at 2026-03-03 22:00 UTC: Portal search rewrite",
                "- #8 [EMERGENCY] map-portal 2.4.1 to STAGE at 2026-03-03 22:00 UTC: Search down for everyone",
                "",
                "On call:",
                "- none",
            ],
            summary.Split('\n'));
    }

    [Fact]
    public void Build_NextWindowAfterTheNext24Hours_SectionSaysNone()
    {
        ChangeFixture thursday = Waiting(9, "Search index rebuild", ChangeKind.Enhancement, Search);

        string summary = DailySummary.Build("2026-03-03", Now, [], [], [thursday.State], []);

        Assert.Contains("\n\nChanges scheduled in the next 24 hours (0):\n- none\n\nOn call:\n", summary, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 22, 0, 0, TimeSpan.Zero), thursday.State.WaitingUntil);
    }

    [Fact]
    public void Build_ChangeWithoutVersion_LineLeavesTheVersionOut()
    {
        var f = new ChangeFixture();
        f.Run(Open(ChangeKind.Fix, version: null, number: 11, summary: "Restart the tile cache"), T0);
        f.Run(new RequestPromotion(Developer, "DEV"), T0.AddMinutes(10));
        f.Run(new RecordInstallation(TheHub, "DEV", true), T0.AddMinutes(20));
        f.Run(new RequestPromotion(Developer, "TEST"), T0.AddMinutes(30));
        f.Run(new RecordInstallation(TheHub, "TEST", true), T0.AddMinutes(40));
        f.Run(new RequestPromotion(Integrator, "STAGE"), T0.AddMinutes(50));

        string summary = DailySummary.Build("2026-03-03", Now, [], [], [f.State], []);

        Assert.Contains("\n- #11 map-portal to STAGE at 2026-03-03 22:00 UTC: Restart the tile cache\n", summary, StringComparison.Ordinal);
    }

    /// <summary>A change installed on DEV and TEST whose promotion to STAGE at 11:00 waits for the service's next window.</summary>
    private static ChangeFixture Waiting(long number, string summary, ChangeKind kind, ChangeService service)
    {
        ChangeFixture f = Approved(through: "TEST", service: service, kind: kind, number: number, summary: summary);
        f.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 11));
        Assert.Equal(ChangeProgress.WaitingForWindow, f.State.Progress);
        return f;
    }
}
