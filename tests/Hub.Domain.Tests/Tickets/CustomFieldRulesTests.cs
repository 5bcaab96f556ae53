using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Tickets;

public sealed class CustomFieldRulesTests
{
    private static CreateTicket Deploy(string field, string value) => Customer() with
    {
        Queue = "ProductionDeploy",
        CustomFields = new Dictionary<string, string> { ["Tier"] = "PROD", [field] = value },
    };

    [Theory]
    [InlineData("Tier", "stage", "STAGE")]
    [InlineData("Window", "2026-03-01T14:30:00+01:00", "2026-03-01T14:30:00+01:00")]
    [InlineData("Window", "2026-03-01T14:30:00.250Z", "2026-03-01T14:30:00.25+00:00")]
    [InlineData("Window", "2026-03-01T14:30-05:00", "2026-03-01T14:30:00-05:00")]
    [InlineData("Build", "+0042", "42")]
    [InlineData("Build", "-7", "-7")]
    [InlineData("Effort", "1.50", "1.5")]
    [InlineData("Effort", "2e3", "2000")]
    [InlineData("RollbackTested", "Yes", "true")]
    [InlineData("RollbackTested", "FALSE", "false")]
    [InlineData("RollbackTested", "0", "false")]
    [InlineData("ChangeDate", "2026-02-28", "2026-02-28")]
    [InlineData("Runbook", "https://wiki.example/deploy?x=1", "https://wiki.example/deploy?x=1")]
    [InlineData("Runbook", "http://wiki.example", "http://wiki.example")]
    [InlineData("ChangeId", " CHG123456 ", "CHG123456")]
    [InlineData("changeid", "CHG000001", "CHG000001")]
    public void Decide_CreateWithValidField_StoresTheCanonicalValue(string field, string value, string expected)
    {
        TicketState state = Apply(TicketState.None, Deploy(field, value), T0);

        string name = field == "changeid" ? "ChangeId" : field;
        Assert.Equal(expected, state.CustomFields[name]);
    }

    [Theory]
    [InlineData("Tier", "QA", "Custom field 'Tier' must be one of DEV, TEST, STAGE, PROD; got 'QA'.")]
    [InlineData("Window", "2026-03-01T14:30:00", "Custom field 'Window' must be an ISO 8601 date and time with an offset (e.g. 2026-03-01T14:30:00+01:00); got '2026-03-01T14:30:00'.")]
    [InlineData("Window", "01/03/2026 14:30 +01:00", "Custom field 'Window' must be an ISO 8601 date and time with an offset (e.g. 2026-03-01T14:30:00+01:00); got '01/03/2026 14:30 +01:00'.")]
    [InlineData("Build", "4.2", "Custom field 'Build' must be a whole number; got '4.2'.")]
    [InlineData("Build", "99999999999999999999", "Custom field 'Build' must be a whole number; got '99999999999999999999'.")]
    [InlineData("Effort", "lots", "Custom field 'Effort' must be a number; got 'lots'.")]
    [InlineData("Effort", "1,5", "Custom field 'Effort' must be a number; got '1,5'.")]
    [InlineData("RollbackTested", "maybe", "Custom field 'RollbackTested' must be true or false; got 'maybe'.")]
    [InlineData("ChangeDate", "2026-02-30", "Custom field 'ChangeDate' must be a date (yyyy-MM-dd); got '2026-02-30'.")]
    [InlineData("ChangeDate", "28.02.2026", "Custom field 'ChangeDate' must be a date (yyyy-MM-dd); got '28.02.2026'.")]
    [InlineData("Runbook", "ftp://wiki.example/x", "Custom field 'Runbook' must be an absolute http or https URL; got 'ftp://wiki.example/x'.")]
    [InlineData("Runbook", "/relative/path", "Custom field 'Runbook' must be an absolute http or https URL; got '/relative/path'.")]
    [InlineData("ChangeId", "CHG12", "Custom field 'ChangeId' must match the pattern 'CHG\\d{6}'; got 'CHG12'.")]
    [InlineData("ChangeId", "xCHG123456", "Custom field 'ChangeId' must match the pattern 'CHG\\d{6}'; got 'xCHG123456'.")]
    public void Decide_CreateWithInvalidField_IsRefusedNamingFieldAndRule(string field, string value, string expected)
    {
        string? reason = Refusal(TicketState.None, Deploy(field, value), T0);

        Assert.Equal(expected, reason);
    }

    [Fact]
    public void Decide_CreateWithoutRequiredField_IsRefused()
    {
        string? reason = Refusal(TicketState.None, Customer() with { Queue = "ProductionDeploy" }, T0);

        Assert.Equal("Custom field 'Tier' is required in queue 'ProductionDeploy'.", reason);
    }

    [Fact]
    public void Decide_CreateWithBlankRequiredField_IsRefused()
    {
        string? reason = Refusal(TicketState.None, Deploy("Tier", " "), T0);

        Assert.Equal("Custom field 'Tier' is required in queue 'ProductionDeploy'.", reason);
    }

    [Fact]
    public void Decide_CreateWithUnknownField_IsRefused()
    {
        string? reason = Refusal(TicketState.None, Deploy("Colour", "blue"), T0);

        Assert.Equal("Custom field 'Colour' is not defined in queue 'ProductionDeploy'.", reason);
    }

    [Fact]
    public void Decide_SetCustomFields_ValidatesSetsAndRemoves()
    {
        TicketState state = Given(Deploy("Build", "41"));

        Decision<TicketEvent> decision = Decide(state, new SetCustomFields(Operator, new Dictionary<string, string?> { ["build"] = "42", ["Effort"] = "3", ["Runbook"] = null }), T0.AddHours(1));
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        var changed = Assert.IsType<CustomFieldsChanged>(Assert.Single(decision.Events));
        Assert.Equal(new Dictionary<string, string?> { ["Build"] = "42", ["Effort"] = "3" }, changed.Changes);
        Assert.Equal(new Dictionary<string, string> { ["Tier"] = "PROD", ["Build"] = "42", ["Effort"] = "3" }, after.CustomFields);
        Assert.Equal(T0.AddHours(1), after.UpdatedAt);
    }

    [Fact]
    public void Decide_SetCustomFieldsRemovingAField_RemovesIt()
    {
        TicketState state = Given(Deploy("Build", "41"));

        TicketState after = Apply(state, new SetCustomFields(Operator, new Dictionary<string, string?> { ["Build"] = null }), T0);

        Assert.Equal(new Dictionary<string, string> { ["Tier"] = "PROD" }, after.CustomFields);
    }

    [Fact]
    public void Decide_SetCustomFieldsRemovingRequired_IsRefused()
    {
        TicketState state = Given(Deploy("Build", "41"));

        string? reason = Refusal(state, new SetCustomFields(Operator, new Dictionary<string, string?> { ["Tier"] = null }), T0);

        Assert.Equal("Custom field 'Tier' is required in queue 'ProductionDeploy'.", reason);
    }

    [Fact]
    public void Decide_SetCustomFieldsInvalid_IsRefused()
    {
        TicketState state = Given(Deploy("Build", "41"));

        string? reason = Refusal(state, new SetCustomFields(Operator, new Dictionary<string, string?> { ["Build"] = "forty-two" }), T0);

        Assert.Equal("Custom field 'Build' must be a whole number; got 'forty-two'.", reason);
    }

    [Fact]
    public void Decide_SetCustomFieldsToSameValues_IsRefused()
    {
        TicketState state = Given(Deploy("Build", "41"));

        string? reason = Refusal(state, new SetCustomFields(Operator, new Dictionary<string, string?> { ["Build"] = "041", ["Effort"] = null }), T0);

        Assert.Equal("Custom fields of ticket #42 already have these values.", reason);
    }
}
