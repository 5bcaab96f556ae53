using System.Text;
using Hub.Domain.Changes;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

public sealed class ICalendarTests
{
    [Theory]
    [InlineData("a,b", "a\\,b")]
    [InlineData("a;b", "a\\;b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("line1\nline2", "line1\\nline2")]
    [InlineData("line1\r\nline2", "line1\\nline2")]
    [InlineData("tab\there", "tab\there")]
    [InlineData("bell\u0007", "bell ")]
    public void Escape_TextValue_FollowsRfc5545(string text, string escaped)
    {
        string result = ICalendar.Escape(text);

        Assert.Equal(escaped, result);
    }

    [Fact]
    public void Fold_75Octets_Unchanged()
    {
        string line = new('a', 75);

        string folded = ICalendar.Fold(line);

        Assert.Equal(line, folded);
    }

    [Fact]
    public void Fold_76Octets_FoldsTheLastOne()
    {
        string folded = ICalendar.Fold(new string('a', 75) + "b");

        Assert.Equal(new string('a', 75) + "\r\n b", folded);
    }

    [Fact]
    public void Fold_150Octets_ContinuationLinesHold74PlusTheSpace()
    {
        string folded = ICalendar.Fold(new string('a', 150));

        Assert.Equal(new string('a', 75) + "\r\n " + new string('a', 74) + "\r\n " + "a", folded);
    }

    [Fact]
    public void Fold_TwoOctetCharacters_NeverSplitsOne()
    {
        // 40 x 'é' is 80 octets: 37 of them (74 octets) fit, the 38th would make 76.
        string folded = ICalendar.Fold(new string('é', 40));

        Assert.Equal(new string('é', 37) + "\r\n " + new string('é', 3), folded);
    }

    [Fact]
    public void Fold_SurrogatePairs_StayWhole()
    {
        // "X" and 18 four-octet emoji are 73 octets; the 19th would make 77.
        string emoji = "\U0001F680";
        string folded = ICalendar.Fold("X" + string.Concat(Enumerable.Repeat(emoji, 19)));

        Assert.Equal("X" + string.Concat(Enumerable.Repeat(emoji, 18)) + "\r\n " + emoji, folded);
    }

    [Fact]
    public void Render_OneEvent_IsTheExactFeed()
    {
        var e = new CalendarEvent("window-map-portal-20260303T220000Z@hub", At(3, 22), At(4, 0), "map-portal: Tue, Thu; 22:00", "Line one\nLine two");

        string ics = ICalendar.Render("Changes", [e], At(1, 12));

        Assert.Equal(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Integration Hub//Change calendar//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Changes\r\n"
            + "BEGIN:VEVENT\r\nUID:window-map-portal-20260303T220000Z@hub\r\nDTSTAMP:20260301T120000Z\r\nDTSTART:20260303T220000Z\r\nDTEND:20260304T000000Z\r\n"
            + "SUMMARY:map-portal: Tue\\, Thu\\; 22:00\r\nDESCRIPTION:Line one\\nLine two\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            ics);
    }

    [Fact]
    public void Render_OffsetTimes_WrittenInUtc()
    {
        var e = new CalendarEvent("x@hub", new DateTimeOffset(2026, 7, 1, 22, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 7, 2, 0, 0, 0, TimeSpan.FromHours(1)), "s");

        string ics = ICalendar.Render("c", [e], At(1, 12));

        Assert.Contains("\r\nDTSTART:20260701T210000Z\r\nDTEND:20260701T230000Z\r\n", ics, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LongSummary_NoLineOver75OctetsAndUnfoldsBack()
    {
        string summary = string.Concat(Enumerable.Repeat("Emergency change, with commas; and ünïcödé ", 6));
        var e = new CalendarEvent("x@hub", At(3, 22), At(4, 0), summary);

        string ics = ICalendar.Render("c", [e], At(1, 12));

        string[] lines = ics.Split("\r\n");
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 75, l));
        Assert.DoesNotContain('\n', ics.Replace("\r\n", "", StringComparison.Ordinal));
        string unfolded = ics.Replace("\r\n ", "", StringComparison.Ordinal);
        Assert.Contains($"\r\nSUMMARY:{ICalendar.Escape(summary)}\r\n", unfolded, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_WindowsAndAWaitingChange_ListedByStart()
    {
        ChangeFixture waiting = Approved(through: "TEST");
        waiting.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));
        ChangeFixture idle = Approved();
        ReleaseWindows windows = ChangeDecider.WindowsOf(waiting.State);

        IReadOnlyList<CalendarEvent> events = ChangeCalendar.Events("map-portal", windows, [idle.State, waiting.State], At(3, 0), At(6, 0));

        Assert.Equal(
            [
                ("window-map-portal-20260303T220000Z@hub", At(3, 22), At(4, 0)),
                ("change-7-STAGE@hub", At(3, 22), At(4, 0)),
                ("window-map-portal-20260305T220000Z@hub", At(5, 22), At(6, 0)),
            ],
            events.Select(e => (e.Uid, e.Start, e.End)));
        Assert.Equal("Change #7 map-portal 2.4.1 to STAGE", events[1].Summary);
        Assert.Equal("map-portal: Release window Tue,Thu 22:00 Europe/London for 2h", events[0].Summary);
    }

    [Fact]
    public void Events_TwoWindowsOpeningTogether_GetDistinctUids()
    {
        Hub.Domain.Durable.Result<ReleaseWindows> windows = ReleaseWindows.Create(
            "Etc/UTC",
            [new([DayOfWeek.Tuesday], new TimeOnly(22, 0), TimeSpan.FromHours(1)), new([DayOfWeek.Tuesday], new TimeOnly(22, 0), TimeSpan.FromHours(2))],
            []);

        IReadOnlyList<CalendarEvent> events = ChangeCalendar.Events("svc", windows.Value!, [], At(3, 0), At(4, 0));

        Assert.Equal(["window-svc-20260303T220000Z@hub", "window-svc-20260303T220000Z-2@hub"], events.Select(e => e.Uid));
    }

    [Fact]
    public void Scheduled_Next24Hours_OnlyChangesStartingInIt()
    {
        ChangeFixture tonight = Approved(through: "TEST");
        tonight.Run(new RequestPromotion(Integrator, "STAGE"), At(3, 21, 59));
        ChangeFixture thursday = Approved(through: "STAGE");
        thursday.Run(new RequestPromotion(Integrator, "PROD"), At(4, 9));

        IReadOnlyList<ChangeState> scheduled = ChangeCalendar.Scheduled([thursday.State, tonight.State], At(3, 21, 59), At(4, 21, 59));

        Assert.Equal([At(3, 22)], scheduled.Select(c => c.WaitingUntil!.Value));
    }
}
