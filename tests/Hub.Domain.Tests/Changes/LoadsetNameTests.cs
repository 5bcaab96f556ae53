using Hub.Domain.Changes;
using Hub.Domain.Durable;

namespace Hub.Domain.Tests.Changes;

public sealed class LoadsetNameTests
{
    [Fact]
    public void Parse_WellFormed_ReadsEveryPart()
    {
        Result<LoadsetName> parsed = LoadsetName.Parse("map-portal-bin-stable-002.014");

        Assert.True(parsed.IsOk, parsed.Reason);
        Assert.Equal(new LoadsetName("map", "portal", LoadsetKind.Bin, LoadsetStatus.Stable, new LoadsetVersion(2, 14)), parsed.Value);
    }

    [Fact]
    public void ToString_PadsTheVersionToThreeDigits()
    {
        var name = new LoadsetName("map", "portal_db", LoadsetKind.Cfg, LoadsetStatus.Dev, new LoadsetVersion(1, 5));

        string text = name.ToString();

        Assert.Equal("map-portal_db-cfg-dev-001.005", text);
    }

    [Theory]
    [InlineData("map-portal-bin-stable-002.014")]
    [InlineData("isda-feed-neg-os-000.000")]
    [InlineData("isda-feed-cfg-stale-999.999")]
    public void Parse_ThenFormat_RoundTrips(string text)
    {
        Result<LoadsetName> parsed = LoadsetName.Parse(text);

        Assert.Equal(text, parsed.Value!.ToString());
    }

    [Theory]
    [InlineData("map-portal-bin-002.014", "loadset: 'map-portal-bin-002.014' has 4 part(s); a loadset name has 5: <family>-<component>-<bin|cfg|neg>-<os|dev|stable|stale>-<NNN.NNN>.")]
    [InlineData("map-web-portal-bin-stable-002.014", "loadset: 'map-web-portal-bin-stable-002.014' has 6 part(s); a loadset name has 5: <family>-<component>-<bin|cfg|neg>-<os|dev|stable|stale>-<NNN.NNN>.")]
    [InlineData("-portal-bin-stable-002.014", "family: required.")]
    [InlineData("m.p-portal-bin-stable-002.014", "family: 'm.p' may hold only letters, digits and '_'.")]
    [InlineData("map--bin-stable-002.014", "component: required.")]
    [InlineData("map-portal-exe-stable-002.014", "kind: 'exe' is not bin, cfg or neg.")]
    [InlineData("map-portal-BIN-stable-002.014", "kind: 'BIN' is not bin, cfg or neg.")]
    [InlineData("map-portal-bin-good-002.014", "status: 'good' is not os, dev, stable or stale.")]
    [InlineData("map-portal-bin-stable-2.14", "version: '2.14' is not NNN.NNN (three digits, a dot, three digits).")]
    [InlineData("map-portal-bin-stable-002-014", "loadset: 'map-portal-bin-stable-002-014' has 6 part(s); a loadset name has 5: <family>-<component>-<bin|cfg|neg>-<os|dev|stable|stale>-<NNN.NNN>.")]
    [InlineData("map-portal-bin-stable-00a.014", "version: '00a.014' is not NNN.NNN (three digits, a dot, three digits).")]
    public void Parse_Malformed_NamesThePart(string text, string reason)
    {
        Result<LoadsetName> parsed = LoadsetName.Parse(text);

        Assert.Equal(reason, parsed.Reason);
    }

    [Fact]
    public void Create_VersionOutOfRange_Refused()
    {
        Result<LoadsetName> created = LoadsetName.Create("map", "portal", LoadsetKind.Bin, LoadsetStatus.Dev, new LoadsetVersion(1000, 0));

        Assert.Equal("version: both numbers from 0 to 999 (NNN.NNN).", created.Reason);
    }

    [Fact]
    public void Create_ComponentWithDash_Refused()
    {
        Result<LoadsetName> created = LoadsetName.Create("map", "web-portal", LoadsetKind.Bin, LoadsetStatus.Dev, new LoadsetVersion(1, 0));

        Assert.Equal("component: 'web-portal' may hold only letters, digits and '_'.", created.Reason);
    }

    [Fact]
    public void Current_MixedLoadsets_IsTheNewestStableBin()
    {
        string[] names =
        [
            "map-portal-bin-stable-002.009", "map-portal-bin-stable-002.014", "map-portal-bin-stale-003.000", "map-portal-bin-dev-003.001",
            "map-portal-cfg-stable-009.000", "map-other-bin-stable-010.000", "map-portal-bin-stable-002.010",
        ];

        LoadsetName? current = Loadsets.Current(names.Select(n => LoadsetName.Parse(n).Value!), "map", "portal");

        Assert.Equal("map-portal-bin-stable-002.014", current?.ToString());
    }

    [Fact]
    public void Current_NoStableBin_IsNull()
    {
        LoadsetName? current = Loadsets.Current([LoadsetName.Parse("map-portal-bin-dev-001.000").Value!], "map", "portal");

        Assert.Null(current);
    }
}
