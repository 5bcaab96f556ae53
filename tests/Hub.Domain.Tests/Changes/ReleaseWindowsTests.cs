using Hub.Domain.Changes;
using Hub.Domain.Durable;

namespace Hub.Domain.Tests.Changes;

// 2026 transitions: London springs forward on Sun 29 March at 01:00 UTC and falls back on Sun 25 October at 01:00 UTC;
// New York springs forward on Sun 8 March at 07:00 UTC (02:00 EST) and falls back on Sun 1 November at 06:00 UTC (02:00 EDT).
public sealed class ReleaseWindowsTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static ReleaseWindows Windows(string zone, IReadOnlyList<WeeklyWindow> weekly, IReadOnlyList<OneOffSlot>? slots = null)
    {
        Result<ReleaseWindows> windows = ReleaseWindows.Create(zone, weekly, slots ?? []);
        Assert.True(windows.IsOk, windows.Reason);
        return windows.Value!;
    }

    private static WeeklyWindow Sunday(int hour, int minute, int hours) => new([DayOfWeek.Sunday], new TimeOnly(hour, minute), TimeSpan.FromHours(hours));

    [Fact]
    public void Occurrences_LondonStartInSpringForwardGap_OpensWhenTheClocksJump()
    {
        ReleaseWindows windows = Windows("Europe/London", [Sunday(1, 30, 2)]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(3, 28, 0), Utc(3, 30, 0));

        WindowOccurrence only = Assert.Single(occurrences);
        Assert.Equal(Utc(3, 29, 1), only.Start);
        Assert.Equal(Utc(3, 29, 3), only.End);
    }

    [Fact]
    public void Occurrences_LondonWeeksAroundSpringForward_FollowTheLocalClock()
    {
        ReleaseWindows windows = Windows("Europe/London", [Sunday(1, 30, 2)]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(3, 21, 0), Utc(4, 6, 0));

        Assert.Equal([Utc(3, 22, 1, 30), Utc(3, 29, 1), Utc(4, 5, 0, 30)], occurrences.Select(o => o.Start));
        Assert.Equal([Utc(3, 22, 3, 30), Utc(3, 29, 3), Utc(4, 5, 2, 30)], occurrences.Select(o => o.End));
    }

    [Fact]
    public void Occurrences_LondonStartInRepeatedHour_OpensOnceAtTheFirst()
    {
        ReleaseWindows windows = Windows("Europe/London", [Sunday(1, 30, 2)]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(10, 24, 0), Utc(10, 26, 0));

        WindowOccurrence only = Assert.Single(occurrences);
        Assert.Equal(Utc(10, 25, 0, 30), only.Start);
        Assert.Equal(Utc(10, 25, 2, 30), only.End);
    }

    [Fact]
    public void IsOpen_LondonWindowSpanningFallBack_LastsItsElapsedDuration()
    {
        // 00:30 BST on 25 October is 23:30 UTC on the 24th; two elapsed hours end at 01:30 UTC (01:30 GMT on the wall clock).
        ReleaseWindows windows = Windows("Europe/London", [Sunday(0, 30, 2)]);

        bool before = windows.IsOpen(Utc(10, 24, 23, 29));
        bool opening = windows.IsOpen(Utc(10, 24, 23, 30));
        bool inRepeatedHour = windows.IsOpen(Utc(10, 25, 1, 15));
        bool atEnd = windows.IsOpen(Utc(10, 25, 1, 30));

        Assert.False(before);
        Assert.True(opening);
        Assert.True(inRepeatedHour);
        Assert.False(atEnd);
    }

    [Fact]
    public void IsOpen_LondonWindowSpanningSpringForward_LastsItsElapsedDuration()
    {
        // 00:30 GMT on 29 March is 00:30 UTC; two elapsed hours end at 02:30 UTC, which is 03:30 BST on the wall clock.
        ReleaseWindows windows = Windows("Europe/London", [Sunday(0, 30, 2)]);

        bool late = windows.IsOpen(Utc(3, 29, 2, 29));
        bool atEnd = windows.IsOpen(Utc(3, 29, 2, 30));

        Assert.True(late);
        Assert.False(atEnd);
    }

    [Fact]
    public void Occurrences_NewYorkStartInSpringForwardGap_OpensAtThreeEdt()
    {
        ReleaseWindows windows = Windows("America/New_York", [Sunday(2, 30, 1)]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(3, 8, 0), Utc(3, 9, 0));

        WindowOccurrence only = Assert.Single(occurrences);
        Assert.Equal(Utc(3, 8, 7), only.Start);
        Assert.Equal(Utc(3, 8, 8), only.End);
    }

    [Fact]
    public void Occurrences_NewYorkStartInRepeatedHour_OpensAtTheEdtOne()
    {
        ReleaseWindows windows = Windows("America/New_York", [Sunday(1, 30, 1)]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(11, 1, 0), Utc(11, 2, 0));

        WindowOccurrence only = Assert.Single(occurrences);
        Assert.Equal(Utc(11, 1, 5, 30), only.Start);
        Assert.Equal(Utc(11, 1, 6, 30), only.End);
    }

    [Fact]
    public void Occurrences_NewYorkSaturdayNightAcrossFallBack_EndsAtTwoEstWallClock()
    {
        // 23:00 EDT Saturday is 03:00 UTC; four elapsed hours end at 07:00 UTC, which is 02:00 EST.
        ReleaseWindows windows = Windows("America/New_York", [new([DayOfWeek.Saturday], new TimeOnly(23, 0), TimeSpan.FromHours(4))]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(10, 31, 12), Utc(11, 1, 12));

        WindowOccurrence only = Assert.Single(occurrences);
        Assert.Equal(Utc(11, 1, 3), only.Start);
        Assert.Equal(Utc(11, 1, 7), only.End);
    }

    [Fact]
    public void NextOpening_ClosedMidWeek_IsNextThursdayEvening()
    {
        ReleaseWindows windows = Windows("Europe/London", [new([DayOfWeek.Tuesday, DayOfWeek.Thursday], new TimeOnly(22, 0), TimeSpan.FromHours(2))]);

        DateTimeOffset? next = windows.NextOpening(Utc(3, 4, 12));

        Assert.Equal(Utc(3, 5, 22), next);
    }

    [Fact]
    public void NextOpening_AcrossSpringForward_IsInSummerTime()
    {
        ReleaseWindows windows = Windows("Europe/London", [new([DayOfWeek.Thursday], new TimeOnly(22, 0), TimeSpan.FromHours(2))]);

        DateTimeOffset? next = windows.NextOpening(Utc(3, 27, 0));

        Assert.Equal(Utc(4, 2, 21), next);
    }

    [Fact]
    public void NextOpening_WhileOpen_IsTheFollowingOpening()
    {
        ReleaseWindows windows = Windows("Europe/London", [new([DayOfWeek.Tuesday, DayOfWeek.Thursday], new TimeOnly(22, 0), TimeSpan.FromHours(2))]);

        bool open = windows.IsOpen(Utc(3, 3, 22, 30));
        DateTimeOffset? next = windows.NextOpening(Utc(3, 3, 22, 30));

        Assert.True(open);
        Assert.Equal(Utc(3, 5, 22), next);
    }

    [Fact]
    public void NextOpening_OneOffSlotBeforeWeekly_IsTheSlot()
    {
        ReleaseWindows windows = Windows(
            "Europe/London",
            [new([DayOfWeek.Thursday], new TimeOnly(22, 0), TimeSpan.FromHours(2))],
            [new OneOffSlot(Utc(3, 4, 14), Utc(3, 4, 15), "Emergency slot")]);

        DateTimeOffset? next = windows.NextOpening(Utc(3, 4, 12));
        bool inSlot = windows.IsOpen(Utc(3, 4, 14, 59));
        bool afterSlot = windows.IsOpen(Utc(3, 4, 15));

        Assert.Equal(Utc(3, 4, 14), next);
        Assert.True(inSlot);
        Assert.False(afterSlot);
    }

    [Fact]
    public void NextOpening_NoWindowsAndSlotsPast_IsNull()
    {
        ReleaseWindows windows = Windows("Europe/London", [], [new OneOffSlot(Utc(3, 1, 10), Utc(3, 1, 11))]);

        DateTimeOffset? next = windows.NextOpening(Utc(3, 4, 12));

        Assert.Null(next);
    }

    [Fact]
    public void OpenUntil_WeeklyOverlappingSlot_MergesToTheSlotEnd()
    {
        ReleaseWindows windows = Windows(
            "Etc/UTC",
            [new([DayOfWeek.Saturday], new TimeOnly(20, 0), TimeSpan.FromHours(4))],
            [new OneOffSlot(Utc(3, 7, 23), Utc(3, 8, 2))]);

        DateTimeOffset? until = windows.OpenUntil(Utc(3, 7, 21));
        DateTimeOffset? closed = windows.OpenUntil(Utc(3, 8, 2));

        Assert.Equal(Utc(3, 8, 2), until);
        Assert.Null(closed);
    }

    [Fact]
    public void Occurrences_WindowOpenedBeforeFrom_IsIncluded()
    {
        ReleaseWindows windows = Windows("Etc/UTC", [new([DayOfWeek.Friday], new TimeOnly(18, 0), TimeSpan.FromDays(2))]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(3, 8, 12), Utc(3, 8, 13));

        WindowOccurrence only = Assert.Single(occurrences);
        Assert.Equal(Utc(3, 6, 18), only.Start);
        Assert.Equal("Release window Fri 18:00 Etc/UTC for 48h", only.Name);
    }

    [Fact]
    public void Create_WindowsZoneId_BehavesAsLondon()
    {
        ReleaseWindows windows = Windows("GMT Standard Time", [Sunday(1, 30, 2)]);

        IReadOnlyList<WindowOccurrence> occurrences = windows.Occurrences(Utc(3, 28, 0), Utc(3, 30, 0));

        Assert.Equal(Utc(3, 29, 1), Assert.Single(occurrences).Start);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "timeZone: 'Mars/Olympus_Mons' is not a time zone this platform knows.")]
    [InlineData(" ", "timeZone: required (an IANA id such as Europe/London, or a Windows id).")]
    public void Create_UnknownZone_Refused(string zone, string reason)
    {
        Result<ReleaseWindows> windows = ReleaseWindows.Create(zone, [], []);

        Assert.Equal(reason, windows.Reason);
    }

    public static TheoryData<WeeklyWindow, string> BadWindows => new()
    {
        { new WeeklyWindow([], new TimeOnly(22, 0), TimeSpan.FromHours(2)), "windows[0].days: at least one day of the week." },
        { new WeeklyWindow([DayOfWeek.Monday], new TimeOnly(22, 0, 30), TimeSpan.FromHours(2)), "windows[0].start: whole minutes (HH:mm)." },
        { new WeeklyWindow([DayOfWeek.Monday], new TimeOnly(22, 0), TimeSpan.Zero), "windows[0].duration: must be positive." },
        { new WeeklyWindow([DayOfWeek.Monday], new TimeOnly(22, 0), TimeSpan.FromDays(8)), "windows[0].duration: at most 7 days." },
    };

    [Theory]
    [MemberData(nameof(BadWindows))]
    public void Create_BadWeeklyWindow_RefusedNamingTheField(WeeklyWindow window, string reason)
    {
        Result<ReleaseWindows> windows = ReleaseWindows.Create("Europe/London", [window], []);

        Assert.Equal(reason, windows.Reason);
    }

    [Fact]
    public void Create_SlotEndingBeforeItStarts_Refused()
    {
        Result<ReleaseWindows> windows = ReleaseWindows.Create("Europe/London", [], [new OneOffSlot(Utc(3, 4, 15), Utc(3, 4, 14))]);

        Assert.Equal("slots[0].end: must be after its start.", windows.Reason);
    }
}
