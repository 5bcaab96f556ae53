using Hub.Domain.Rota;

namespace Hub.Domain.Tests.Rota;

public sealed class OnCallTests
{
    private static readonly TimeZoneInfo Zurich = TimeZoneInfo.FindSystemTimeZoneById("Europe/Zurich");

    private static RotaDefinition Daily(params RotaOverride[] overrides) => new(
        "ops", Zurich, ShiftLength.Daily, new TimeOnly(8, 0), new DateOnly(2026, 3, 27),
        [new RotaMember("ann", "ann@example.org"), new RotaMember("ben", "ben@example.org"), new RotaMember("cid", "cid@example.org")],
        overrides, "lead@example.org", "boss@example.org");

    [Theory]
    [InlineData("2026-03-27T07:00:00Z", "ann")] // 08:00 in Zurich (UTC+1): ann's first shift starts
    [InlineData("2026-03-27T06:59:59Z", "cid")] // a second before: the previous (day -1) shift
    [InlineData("2026-03-28T07:00:00Z", "ben")]
    [InlineData("2026-03-29T06:30:00Z", "cid")] // DST began at 02:00: 08:00 local is now 06:00 UTC
    [InlineData("2026-03-29T05:59:00Z", "ben")]
    [InlineData("2026-03-30T06:00:00Z", "ann")]
    public void At_DailyShiftsInZurich_HandOverAt0800LocalAcrossTheDstChange(string instant, string expected)
    {
        OnCallShift shift = OnCall.At(Daily(), DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, shift.Member.Name);
        Assert.False(shift.IsOverride);
    }

    [Fact]
    public void At_DayAfterDstChange_ShiftRunsFromLocal0800ToLocal0800()
    {
        OnCallShift shift = OnCall.At(Daily(), new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 6, 0, 0, TimeSpan.Zero), shift.From);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 6, 0, 0, TimeSpan.Zero), shift.To);
    }

    [Fact]
    public void At_WeeklyShifts_RotateEverySevenDaysFromTheStart()
    {
        RotaDefinition weekly = Daily() with { Shift = ShiftLength.Weekly, Start = new DateOnly(2026, 3, 2) };

        string[] names = [.. Enumerable.Range(0, 4).Select(w => OnCall.At(weekly, new DateTimeOffset(2026, 3, 3 + (7 * w), 12, 0, 0, TimeSpan.Zero)).Member.Name)];
        string before = OnCall.At(weekly, new DateTimeOffset(2026, 2, 25, 12, 0, 0, TimeSpan.Zero)).Member.Name;

        Assert.Equal(["ann", "ben", "cid", "ann"], names);
        Assert.Equal("cid", before);
    }

    [Fact]
    public void At_InsideAnOverride_ReturnsTheStandIn()
    {
        var swap = new RotaOverride(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 27, 18, 0, 0, TimeSpan.Zero), "cid");
        RotaDefinition rota = Daily(swap);

        OnCallShift during = OnCall.At(rota, new DateTimeOffset(2026, 3, 27, 13, 0, 0, TimeSpan.Zero));
        OnCallShift after = OnCall.At(rota, new DateTimeOffset(2026, 3, 27, 18, 0, 0, TimeSpan.Zero));

        Assert.Equal(("cid", true), (during.Member.Name, during.IsOverride));
        Assert.Equal(("ann", false), (after.Member.Name, after.IsOverride));
    }

    [Theory]
    [InlineData("2026-11-04", 5, "2026-11-11")] // Wednesday -> Wednesday
    [InlineData("2026-11-06", 1, "2026-11-09")] // Friday -> Monday
    [InlineData("2026-11-07", 5, "2026-11-13")] // Saturday -> Friday
    [InlineData("2026-11-09", -1, "2026-11-06")] // Monday, one back -> Friday
    public void WorkingDays_Add_SkipsWeekends(string from, int days, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), WorkingDays.Add(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days));
    }
}
