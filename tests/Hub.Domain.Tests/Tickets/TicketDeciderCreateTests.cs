using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Tickets;

public sealed class TicketDeciderCreateTests
{
    [Theory]
    [InlineData("Customer-Support", "new", 30, "isda-support@hub.example")]
    [InlineData("ProductionDefect", "new", 50, "map-support@hub.example")]
    [InlineData("ProductionDeploy", "new", 60, "map-support@hub.example")]
    [InlineData("Admin", "new", 20, "computing-help@hub.example")]
    [InlineData("sw-rel", "submitted", 50, "isda-pipeline@hub.example,isda-integrators@hub.example")]
    public void Decide_CreateInEachQueue_OpensInTheFirstInitialStatusWithQueueDefaults(string queue, string status, int priority, string adminCc)
    {
        var fields = new Dictionary<string, string>();
        if (queue == "ProductionDeploy")
        {
            fields["Tier"] = "PROD";
        }

        if (queue == "sw-rel")
        {
            fields["Version"] = "2.4.1";
        }

        TicketState state = Apply(TicketState.None, Customer() with { Queue = queue, CustomFields = fields }, T0);

        Assert.Equal(42, state.Number);
        Assert.Equal(queue, state.Queue);
        Assert.Equal(status, state.Status);
        Assert.Equal(priority, state.Priority);
        Assert.Equal(adminCc.Split(','), state.AdminCc);
        Assert.Equal(["cust@client.example"], state.Requestors);
        Assert.Equal(["boss@client.example"], state.Cc);
        Assert.Equal("mail", state.Source);
        Assert.Equal(T0, state.CreatedAt);
        Assert.Equal(T0, state.StatusSince);
        Assert.Null(state.ResolvedAt);
        Assert.Equal(["<m1@client.example>"], state.MessageIds);
        Assert.Equal(status, Decider.StateName(state));
    }

    [Fact]
    public void Decide_CreateWithQueueNameInOtherCase_StoresTheConfiguredSpelling()
    {
        TicketState state = Apply(TicketState.None, Customer() with { Queue = "customer-support" }, T0);

        Assert.Equal("Customer-Support", state.Queue);
    }

    [Fact]
    public void Decide_CreateInUnknownQueue_IsRefused()
    {
        string? reason = Refusal(TicketState.None, Customer() with { Queue = "Sales" }, T0);

        Assert.Equal("Queue 'Sales' does not exist.", reason);
    }

    [Fact]
    public void Decide_CreateTwice_IsRefused()
    {
        TicketState state = Given(Customer());

        string? reason = Refusal(state, Customer(), T0);

        Assert.Equal("Ticket #42 already exists.", reason);
    }

    [Fact]
    public void Decide_CommandBeforeCreate_IsRefused()
    {
        string? reason = Refusal(TicketState.None, new SetPriority(Operator, 10), T0);

        Assert.Equal("The ticket does not exist; SetPriority needs a created ticket.", reason);
    }

    [Fact]
    public void Decide_CreateWithEmptySubject_UsesNoSubject()
    {
        TicketState state = Apply(TicketState.None, Customer() with { Subject = "  " }, T0);

        Assert.Equal("(no subject)", state.Subject);
    }

    [Fact]
    public void Decide_CreateWithFoldedSubject_CollapsesWhitespace()
    {
        TicketState state = Apply(TicketState.None, Customer() with { Subject = "Printer\r\n\ton  fire" }, T0);

        Assert.Equal("Printer on fire", state.Subject);
    }

    [Fact]
    public void Decide_CreateWithLongSubject_TruncatesTo200CharactersWithEllipsis()
    {
        TicketState state = Apply(TicketState.None, Customer() with { Subject = new string('a', 250) }, T0);

        Assert.Equal(200, state.Subject.Length);
        Assert.Equal(new string('a', 199) + "…", state.Subject);
    }

    [Fact]
    public void Decide_CreateWithSubjectOfExactly200_KeepsIt()
    {
        TicketState state = Apply(TicketState.None, Customer() with { Subject = new string('b', 200) }, T0);

        Assert.Equal(new string('b', 200), state.Subject);
    }

    [Fact]
    public void Decide_CreateWithPriority_UsesIt()
    {
        TicketState state = Apply(TicketState.None, Customer() with { Priority = 0 }, T0);

        Assert.Equal(0, state.Priority);
    }

    [Theory]
    [InlineData(-1, "Priority must be between 0 and 100; got -1.")]
    [InlineData(101, "Priority must be between 0 and 100; got 101.")]
    public void Decide_CreateWithPriorityOutOfRange_IsRefused(int priority, string expected)
    {
        string? reason = Refusal(TicketState.None, Customer() with { Priority = priority }, T0);

        Assert.Equal(expected, reason);
    }

    [Fact]
    public void Decide_CreateWithInvalidRequestor_IsRefusedNamingTheField()
    {
        string? reason = Refusal(TicketState.None, Customer() with { Requestors = ["not an address"] }, T0);

        Assert.Equal("Requestors: 'not an address' is not a mail address.", reason);
    }

    [Fact]
    public void CheckNew_SeveralProblems_NamesEveryFieldAndRuleAtOnce()
    {
        IReadOnlyList<FieldProblem> problems = TicketDecider.CheckNew(
            Config, "ProductionDeploy", 999, ["ok@example.org", "nope"], ["also nope"], new Dictionary<string, string> { ["Colour"] = "red" });

        Assert.Equal(
            ["priority", "requestors[1]", "cc[0]", "customFields.Colour", "customFields.Tier"],
            problems.Select(p => p.Field));
        Assert.Equal("Custom field 'Colour' is not defined in queue 'ProductionDeploy'.", problems[3].Rule);
        Assert.Equal("Custom field 'Tier' is required in queue 'ProductionDeploy'.", problems[^1].Rule);
        Assert.StartsWith("'Sales' is not a queue (queues: Customer-Support, ", Assert.Single(TicketDecider.CheckNew(Config, "Sales", 5, null, null, null)).Rule, StringComparison.Ordinal);
        Assert.Equal([new FieldProblem("queue", "required")], TicketDecider.CheckNew(Config, " ", null, null, null, null));
    }

    [Fact]
    public void Decide_CreateWithDuplicateAddresses_KeepsTheFirstSpelling()
    {
        TicketState state = Apply(TicketState.None, Customer() with { Requestors = ["Cust@Client.example", "cust@client.example "] }, T0);

        Assert.Equal(["Cust@Client.example"], state.Requestors);
    }

    [Fact]
    public void Decide_CreateWithExtraAdminCc_AddsItAfterTheQueueLists()
    {
        TicketState state = Apply(TicketState.None, Customer() with { AdminCc = ["lead@ops.example", "isda-support@hub.example"] }, T0);

        Assert.Equal(["isda-support@hub.example", "lead@ops.example"], state.AdminCc);
    }

    [Fact]
    public void Decide_CreateWithoutNumber_IsRefused()
    {
        string? reason = Refusal(TicketState.None, Customer(number: 0), T0);

        Assert.Equal("Number must be a positive ticket number; got 0.", reason);
    }

    [Fact]
    public void Decide_CreateFromAlert_RecordsClassificationAlertAndExternalRef()
    {
        CreateTicket create = Defect() with { ExternalRef = new ExternalRef("alertmanager", "fp-1a2b", "https://am.example/#/alerts") };

        TicketState state = Apply(TicketState.None, create, T0);

        Assert.Equal(AlertClassification.Urgent, state.Classification);
        Assert.Equal("fp-1a2b", state.Alert!.Identity);
        Assert.Equal(1, state.Alert.FiringCount);
        Assert.Equal("alert:alertmanager", state.Source);
        Assert.Equal([new ExternalRef("alertmanager", "fp-1a2b", "https://am.example/#/alerts")], state.ExternalRefs);
    }

    [Fact]
    public void Decide_CreateWithAttachments_CountsThem()
    {
        CreateTicket create = Customer() with { Attachments = [new("blobs/1", "log.txt", "text/plain", 120), new("blobs/2", "shot.png", "image/png", 5000)] };

        TicketState state = Apply(TicketState.None, create, T0);

        Assert.Equal(2, state.AttachmentCount);
    }

    [Fact]
    public void OnTimer_AnyTimer_IsRefused()
    {
        Result<TicketCommand> result = Decider.OnTimer(Given(Customer()), new TimerFired("x", "", T0));

        Assert.Equal("Tickets set no timers; timer 'x' is dropped.", result.Reason);
    }

    [Fact]
    public void StateName_NoTicket_IsNull()
    {
        string? name = Decider.StateName(Decider.Initial);

        Assert.Null(name);
        Assert.Equal("ticket", Decider.Kind);
    }
}
