using Hub.Domain.Configuration;
using Hub.Domain.Rota;
using Hub.Functions.Configuration;
using Hub.Testing;

namespace Hub.Functions.Tests.Configuration;

/// <summary>The incidents, rotas and email sections of the domain configuration.</summary>
public sealed class PlaybookConfigurationTests
{
    private static string Shipped => File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));

    [Fact]
    public void Load_ShippedConfiguration_HasTheDesignDefaultsOfTheIncidentPlaybook()
    {
        HubConfiguration config = HubConfigurationLoader.Parse(Shipped, "hub.yaml");

        Assert.Equal(["tech-lead", "team-lead", "manager"], config.Incidents.Escalation.Select(l => l.Name));
        Assert.All(config.Incidents.Escalation, l => Assert.Equal(TimeSpan.FromMinutes(15), l.AckWithin));
        Assert.Equal(3, config.Incidents.Repeats);
        Assert.Equal(["isda-pipeline", "isda-integrators", "map-support"], config.Incidents.RecipientLists);
        Assert.Equal("computing-help", config.Incidents.EndUserList);
        Assert.Equal(5, config.Incidents.PostMortemWorkingDays);
        Assert.Equal(TimeSpan.FromHours(4), config.Incidents.ChaseAfter);
        RotaDefinition rota = config.Rota("on-call")!;
        Assert.Equal("Europe/Zurich", rota.TimeZone.Id);
        Assert.Equal(ShiftLength.Weekly, rota.Shift);
        // The Christmas override, 18:00 local (UTC+1) on 24 December.
        Assert.Equal(new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero), rota.Overrides[0].From);
        Assert.Equal("hub@example.org", config.Email.From);
    }

    [Theory]
    [InlineData("15m", 15 * 60)]
    [InlineData("PT15M", 15 * 60)]
    [InlineData("00:15:00", 15 * 60)]
    [InlineData("P1DT12H", 36 * 3600)]
    [InlineData("90s", 90)]
    public void Load_AckWithinInAnyDurationForm_IsTheSameDuration(string text, int seconds)
    {
        string yaml = Shipped.Replace("    - { name: tech-lead, target: tech-lead, ackWithin: 15m }", $"    - {{ name: tech-lead, target: tech-lead, ackWithin: {text} }}", StringComparison.Ordinal);

        HubConfiguration config = HubConfigurationLoader.Parse(yaml, "hub.yaml");

        Assert.Equal(TimeSpan.FromSeconds(seconds), config.Incidents.Escalation[0].AckWithin);
    }

    [Theory]
    [InlineData("    - { name: tech-lead, target: tech-lead, ackWithin: 15m }", "    - { name: tech-lead, target: tech-lead, ackWithin: soon }",
        "incidents.escalation[0].ackWithin: 'soon' must be a positive duration up to 30 days (90s, 15m, 4h, 2d, hh:mm:ss or ISO 8601 such as PT15M)")]
    [InlineData("  rota: on-call", "  rota: nights", "incidents.rota: 'nights' is not a defined rota")]
    [InlineData("  endUserList: computing-help", "  endUserList: helpdesk", "incidents.endUserList: 'helpdesk' is not a defined contact list")]
    [InlineData("    timeZone: Europe/Zurich", "    timeZone: Mars/Olympus", "rotas[0].timeZone: 'Mars/Olympus' is not a known time zone (use an IANA id such as Europe/Zurich)")]
    [InlineData("member: team-lead }", "member: nobody }", "rotas[0].overrides[0].member: 'nobody' is not a member of this rota")]
    [InlineData("    shift: weekly", "    shift: monthly", "rotas[0].shift: 'monthly' is not one of: daily, weekly")]
    [InlineData("  from: hub@example.org", "  from: hub", "email.from: 'hub' is not a mail address (name@example.org)")]
    public void Load_BadPlaybookValue_NamesFileLineAndRule(string line, string replacement, string expected)
    {
        string text = Shipped.Replace(line, replacement, StringComparison.Ordinal);
        Assert.NotEqual(Shipped, text);

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(text, "hub.yaml"));

        ConfigurationError only = Assert.Single(error.Errors);
        int lineNumber = text.Split('\n').ToList().FindIndex(l => l.Contains(replacement.Trim(), StringComparison.Ordinal)) + 1;
        Assert.Equal(("hub.yaml", lineNumber), (only.File, only.Line));
        Assert.EndsWith(expected, only.ToString(), StringComparison.Ordinal);
    }
}
