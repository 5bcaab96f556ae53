using System.Text.Json;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Tickets;

public sealed class TicketNotificationTests
{
    private static JsonElement Payload(Decision<TicketEvent> decision)
    {
        // An Urgent ticket also opens its incident (an aggregate.command effect); the mail is the one notification.
        SideEffect effect = Assert.Single(decision.Effects, e => e.Kind == "ticket.notify");
        return JsonDocument.Parse(effect.Payload).RootElement;
    }

    private static string[] Addresses(JsonElement payload, string name) =>
        payload.GetProperty(name).EnumerateArray().Select(a => a.GetString()!).ToArray();

    [Fact]
    public void Decide_CreatePublic_NotifiesRequestorsAndCcWithStaffInBcc()
    {
        Decision<TicketEvent> decision = Decide(TicketState.None, Customer(), T0);

        JsonElement payload = Payload(decision);
        Assert.Equal(42, payload.GetProperty("number").GetInt64());
        Assert.Equal("Customer-Support", payload.GetProperty("queue").GetString());
        Assert.Equal("created", payload.GetProperty("kind").GetString());
        Assert.Equal("public", payload.GetProperty("visibility").GetString());
        Assert.Equal(["cust@client.example", "boss@client.example"], Addresses(payload, "to"));
        Assert.Equal(["isda-support@hub.example"], Addresses(payload, "bcc"));
        Assert.Equal("[hub #42] Printer on fire", payload.GetProperty("subject").GetString());
        Assert.Equal("It is on fire.", payload.GetProperty("body").GetString());
        Assert.Equal("<m1@client.example>", payload.GetProperty("inReplyTo").GetString());
    }

    [Fact]
    public void Decide_CreateInternal_NotifiesOnlyAdminCcAndMirror()
    {
        CreateTicket create = Defect() with { Requestors = ["alertmanager@monitoring.example"] };

        JsonElement payload = Payload(Decide(TicketState.None, create, T0));

        Assert.Equal("internal", payload.GetProperty("visibility").GetString());
        Assert.Equal(["map-support@hub.example"], Addresses(payload, "to"));
        Assert.Equal(["amit-auto-defect@hub.example"], Addresses(payload, "bcc"));
    }

    [Fact]
    public void Decide_CreateAutoSubmitted_RecordsItAndNotifiesNobody()
    {
        Decision<TicketEvent> decision = Decide(TicketState.None, Customer() with { AutoSubmitted = true }, T0);

        Assert.Empty(decision.Effects);
        Assert.True(Assert.IsType<TicketCreated>(Assert.Single(decision.Events)).AutoSubmitted);
    }

    [Fact]
    public void Decide_CorrespondFromRequestor_NotifiesTheOthersButNotTheSender()
    {
        TicketState state = Given(Customer(), new AddWatcher(Operator, WatcherKind.AdminCc, "lead@ops.example"));

        JsonElement payload = Payload(Decide(state, new Correspond(Mail, "Still burning.", "Cust@Client.example", "<m2@client.example>"), T0));

        Assert.Equal("correspondence", payload.GetProperty("kind").GetString());
        Assert.Equal("public", payload.GetProperty("visibility").GetString());
        Assert.Equal(["boss@client.example"], Addresses(payload, "to"));
        Assert.Equal(["isda-support@hub.example", "lead@ops.example"], Addresses(payload, "bcc"));
        Assert.Equal("Still burning.", payload.GetProperty("body").GetString());
    }

    [Fact]
    public void Decide_CorrespondAutoSubmitted_RecordsItAndNotifiesNobody()
    {
        TicketState state = Given(Customer());

        Decision<TicketEvent> decision = Decide(state, new Correspond(Mail, "I am out of office.", "cust@client.example", "<ooo@client.example>", AutoSubmitted: true), T0);
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        Assert.Empty(decision.Effects);
        Assert.True(Assert.IsType<Corresponded>(Assert.Single(decision.Events)).AutoSubmitted);
        Assert.Equal(["<m1@client.example>", "<ooo@client.example>"], after.MessageIds);
    }

    [Fact]
    public void Decide_Comment_NeverReachesRequestorsOrCc()
    {
        TicketState state = Given(Customer());

        JsonElement payload = Payload(Decide(state, new Comment(Operator, "Customer is on the old firmware."), T0));

        Assert.Equal("comment", payload.GetProperty("kind").GetString());
        Assert.Equal("internal", payload.GetProperty("visibility").GetString());
        Assert.Equal(["isda-support@hub.example"], Addresses(payload, "to"));
        Assert.Empty(Addresses(payload, "bcc"));
    }

    [Fact]
    public void Decide_CommentOnQueueWithMirror_CopiesTheMirror()
    {
        TicketState state = Given(Customer() with { Queue = "ProductionDeploy", CustomFields = new Dictionary<string, string> { ["Tier"] = "TEST" } });

        JsonElement payload = Payload(Decide(state, new Comment(Operator, "Window moved."), T0));

        Assert.Equal(["map-support@hub.example"], Addresses(payload, "to"));
        Assert.Equal(["amit-auto-deploy@hub.example"], Addresses(payload, "bcc"));
    }

    [Fact]
    public void Decide_CommentWithoutBodyOrAttachments_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new Comment(Operator, " "), T0);

        Assert.Equal("A comment needs a Body or Attachments.", reason);
    }

    [Fact]
    public void Decide_ChangeStatus_NotifiesRequestorsPublicly()
    {
        TicketState state = Status(Given(Customer()), "open");

        JsonElement payload = Payload(Decide(state, new ChangeStatus(Operator, "resolved", "Replaced the fuser."), T0));

        Assert.Equal("status", payload.GetProperty("kind").GetString());
        Assert.Equal(["cust@client.example", "boss@client.example"], Addresses(payload, "to"));
        Assert.Equal("Status changed from open to resolved by op@ops.example. Replaced the fuser.", payload.GetProperty("body").GetString());
    }

    [Fact]
    public void Decide_NobodyToTell_EmitsNoEffect()
    {
        TicketState state = Given(Customer() with { Queue = "Admin", Requestors = [], Cc = [] }, new RemoveWatcher(Operator, WatcherKind.AdminCc, "computing-help@hub.example"));

        Decision<TicketEvent> decision = Decide(state, new Comment(Operator, "note to self"), T0);

        Assert.Empty(decision.Effects);
    }

    [Fact]
    public void Decide_OtherChanges_NotifyNobody()
    {
        TicketState state = Given(Customer());

        Decision<TicketEvent> decision = Decide(state, new SetPriority(Operator, 90), T0);

        Assert.Empty(decision.Effects);
    }
}
