using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Intake.Mail;

public sealed class MailThreadDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly LifecycleDefinition Lifecycle = new("default", [new("new", StatusKind.Initial), new("resolved", StatusKind.Inactive)], []);

    private static readonly HubConfiguration Config = new(
        [Lifecycle],
        [
            new QueueDefinition("Customer-Support", "default", []),
            new QueueDefinition("ProductionDefect", "default", []),
            new QueueDefinition("ProductionDeploy", "default", [new("Tier", CustomFieldType.Select, Required: true, Values: ["DEV", "PROD"])]),
            new QueueDefinition("Admin", "default", []),
        ],
        [new("map-support", "map-support@hub.example", Internal: true, Members: ["lead@partner.example"])],
        new MailIntakeDefinition(
            [new("isda-support@hub.example", "Customer-Support"), new("map-support", "ProductionDefect")],
            [new("deploys", @"\bdeploy(ment)? request\b", "ProductionDeploy", "ProductionDefect"), new("orders", @"work order", "Admin")],
            ["alertmanager@hub.example"],
            ["hub.example"],
            "Customer-Support",
            "ProductionDefect"),
        new AlertIntakeDefinition("ProductionDefect", [], new("warning", 50, AlertClassification.Informational)),
        []);

    private static readonly MailThreadDecider Decider = new(Config);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public void Decide_NewMailWithoutNumber_AsksForOne()
    {
        Result<Decision<MailThreadEvent>> result = Decider.Decide(Decider.Initial, Receive(Mail()), T0);

        Assert.Equal(MailThreadDecider.NeedsNumber, result.Reason);
    }

    [Fact]
    public void Decide_NewMailToSupport_CreatesCustomerTicketWithRequestorAndForeignCc()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(cc: ["boss@client.example", "map-support@hub.example"]), candidate: 5));

        Assert.Equal(new MailTicketOpened(5, "Customer-Support", null, T0), Assert.Single(decision.Events));
        CreateTicket create = Command<CreateTicket>(decision, "5");
        Assert.Equal("Customer-Support", create.Queue);
        Assert.Equal(["cust@client.example"], create.Requestors);
        Assert.Equal(["boss@client.example"], create.Cc);
        Assert.Equal("m1@client.example", create.MessageId);
        Assert.False(create.Internal);
    }

    [Theory]
    [InlineData("map-support@elsewhere.example", "Disk errors", "ProductionDefect")]
    [InlineData("map-support@hub.example", "Deployment request portal", "ProductionDefect")]
    [InlineData("isda-support@hub.example", "Deployment request portal", "Customer-Support")]
    [InlineData("someone@hub.example", "WORK ORDER 12", "Admin")]
    [InlineData("someone@hub.example", "Hello", "Customer-Support")]
    public void Decide_Routing_RouteThenRuleThenDefault(string to, string subject, string queue)
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(to: to, subject: subject), candidate: 1));

        Assert.Equal(queue, Command<CreateTicket>(decision, "1").Queue);
    }

    [Fact]
    public void Decide_RuleQueueWithRequiredFieldsInBody_UsesRuleQueueAndFields()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(to: "map-support@hub.example", subject: "Deploy request", body: "Please.\nTier: prod\n"), candidate: 1));

        CreateTicket create = Command<CreateTicket>(decision, "1");
        Assert.Equal("ProductionDeploy", create.Queue);
        Assert.Equal("PROD", create.CustomFields["Tier"]);
        Assert.Equal("deploys", Assert.IsType<MailTicketOpened>(Assert.Single(decision.Events)).Rule);
    }

    [Fact]
    public void Decide_DeploymentRequestIntoTheChangesQueue_AsksForTheChangeAfterTheTicket()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(
            Mail(from: "dev@partner.example", to: "map-support@hub.example", subject: "Deploy request portal 2.4.1", body: "Please.\r\nTier: prod\r\nservice: portal\nVersion: 2.4.1\nKind: enhancement\n"),
            candidate: 4));

        Assert.Equal("ProductionDeploy", Command<CreateTicket>(decision, "4").Queue);
        Assert.Equal([AggregateCommand.EffectKind, ChangeMailRequest.EffectKind], decision.Effects.Select(e => e.Kind));
        Assert.Equal(
            new ChangeMailRequest(4, "dev@partner.example", "Deploy request portal 2.4.1", "portal", "2.4.1", "enhancement", null),
            System.Text.Json.JsonSerializer.Deserialize<ChangeMailRequest>(decision.Effects[1].Payload, Json));
    }

    [Fact]
    public void Decide_DeploymentRequestTheChangesQueueRefuses_StillAsksSoTheTicketHearsWhy()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(to: "map-support@hub.example", subject: "Deploy request portal", body: "Service: portal\n"), candidate: 4));

        Assert.Equal("ProductionDefect", Command<CreateTicket>(decision, "4").Queue);
        ChangeMailRequest request = System.Text.Json.JsonSerializer.Deserialize<ChangeMailRequest>(decision.Effects[1].Payload, Json)!;
        Assert.Equal("Rule 'deploys' matched, but queue ProductionDeploy needs valid Tier lines (e.g. \"Service: portal\") in the mail.", request.QueueProblem);
    }

    [Theory]
    [InlineData("map-support@hub.example", "Disk errors")]
    [InlineData("isda-support@hub.example", "Deployment request portal")]
    [InlineData("someone@hub.example", "WORK ORDER 12")]
    public void Decide_NotADeploymentRequest_OnlyTheTicket(string to, string subject)
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(to: to, subject: subject, body: "Service: portal\nVersion: 1\nKind: fix\nTier: PROD\n"), candidate: 1));

        Assert.Equal([AggregateCommand.EffectKind], decision.Effects.Select(e => e.Kind));
    }

    [Fact]
    public void Decide_TaggedReplyFromCustomer_Corresponds()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(), tagged: 9));

        Assert.Equal(new MailThreaded(9, "tag", false, T0), Assert.Single(decision.Events));
        Correspond correspond = Command<Correspond>(decision, "9");
        Assert.Equal("cust@client.example", correspond.From);
    }

    [Theory]
    [InlineData("tech@hub.example")]
    [InlineData("lead@partner.example")]
    public void Decide_ReplyFromInternalSender_Comments(string from)
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(from: from), reply: 9));

        Assert.Equal(new MailThreaded(9, "reply", true, T0), Assert.Single(decision.Events));
        Assert.Equal(from, Command<Comment>(decision, "9").Actor.Name);
    }

    [Fact]
    public void Decide_AutoSubmittedNewMail_CreatesAutoSubmittedTicket()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail() with { AutoSubmitted = true }, candidate: 3));

        Assert.True(Command<CreateTicket>(decision, "3").AutoSubmitted);
    }

    [Fact]
    public void Decide_HubOwnMailWithoutTicket_SetAsideWithoutEffects()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail() with { FromHub = true, AutoSubmitted = true }, candidate: 3));

        Assert.IsType<MailSetAside>(Assert.Single(decision.Events));
        Assert.Empty(decision.Effects);
    }

    [Fact]
    public void Decide_MonitoringMailWithOpenTicket_CommentsOnIt()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(from: "alertmanager@hub.example"), monitoring: 4));

        Assert.Equal(new MailThreaded(4, "monitoring", true, T0), Assert.Single(decision.Events));
        Command<Comment>(decision, "4");
    }

    [Fact]
    public void Decide_NewMonitoringMail_InternalTicketAndTheMonitorRecordsIt()
    {
        Decision<MailThreadEvent> decision = Decide(Receive(Mail(from: "alertmanager@hub.example", to: "isda-support@hub.example", subject: "Re: [FIRING] Disk"), candidate: 6));

        CreateTicket create = Command<CreateTicket>(decision, "6");
        Assert.Equal("ProductionDefect", create.Queue);
        Assert.True(create.Internal);
        Assert.Empty(create.Requestors);
        AggregateCommand monitor = AggregateCommand.Parse(decision.Effects[1].Payload);
        Assert.Equal(("mail-monitor", "alertmanager@hub.example|[firing] disk"), (monitor.Kind, monitor.Id));
    }

    [Fact]
    public void Decide_AlreadyRecorded_Refused()
    {
        var state = new MailThreadState(5, "opened");

        Result<Decision<MailThreadEvent>> result = Decider.Decide(state, Receive(Mail(), candidate: 6), T0);

        Assert.Equal("This mail is already recorded on ticket #5.", result.Reason);
    }

    [Theory]
    [InlineData("RE: Fwd: [hub #12]  Disk   FULL ", "disk full")]
    [InlineData("AW: Re: Status", "status")]
    [InlineData("", "")]
    public void NormalizeSubject_PrefixesTagsAndWhitespace_Removed(string subject, string expected)
    {
        Assert.Equal(expected, MailRouting.NormalizeSubject(subject));
    }

    private static MailSummary Mail(
        string from = "cust@client.example", string to = "isda-support@hub.example", string subject = "Printer on fire", string body = "It burns.", string[]? cc = null) =>
        new(from, [to], cc ?? [], [to], subject, body, "m1@client.example", null, [], [], false, false);

    private static ReceiveMail Receive(MailSummary mail, long? tagged = null, long? reply = null, long? monitoring = null, long candidate = 0) =>
        new(mail, tagged, reply, monitoring, candidate, T0);

    private static Decision<MailThreadEvent> Decide(ReceiveMail command)
    {
        Result<Decision<MailThreadEvent>> result = Decider.Decide(Decider.Initial, command, T0);
        Assert.True(result.IsOk, result.Reason);
        return result.Value!;
    }

    private static T Command<T>(Decision<MailThreadEvent> decision, string ticket)
        where T : TicketCommand
    {
        AggregateCommand command = AggregateCommand.Parse(decision.Effects[0].Payload);
        Assert.Equal(("ticket", ticket), (command.Kind, command.Id));
        return Assert.IsType<T>(System.Text.Json.JsonSerializer.Deserialize<TicketCommand>(command.Command, Json));
    }
}
