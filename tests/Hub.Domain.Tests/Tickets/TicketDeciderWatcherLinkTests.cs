using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Tickets;

public sealed class TicketDeciderWatcherLinkTests
{
    [Theory]
    [InlineData(WatcherKind.Requestor)]
    [InlineData(WatcherKind.Cc)]
    [InlineData(WatcherKind.AdminCc)]
    public void Decide_AddWatcher_AppendsToThatList(WatcherKind kind)
    {
        TicketState after = Apply(Given(Customer()), new AddWatcher(Operator, kind, " new@client.example "), T0);

        IReadOnlyList<string> list = kind switch
        {
            WatcherKind.Requestor => after.Requestors,
            WatcherKind.Cc => after.Cc,
            _ => after.AdminCc,
        };
        Assert.Equal("new@client.example", list[^1]);
    }

    [Fact]
    public void Decide_AddWatcherAlreadyThere_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AddWatcher(Operator, WatcherKind.Cc, "BOSS@client.example"), T0);

        Assert.Equal("BOSS@client.example is already Cc on ticket #42.", reason);
    }

    [Fact]
    public void Decide_AddWatcherInvalidAddress_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AddWatcher(Operator, WatcherKind.Cc, "boss"), T0);

        Assert.Equal("Address 'boss' is not a mail address.", reason);
    }

    [Fact]
    public void Decide_RemoveWatcher_RemovesTheStoredSpelling()
    {
        TicketState state = Given(Customer());

        Decision<TicketEvent> decision = Decide(state, new RemoveWatcher(Operator, WatcherKind.Requestor, "CUST@client.example"), T0);
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        Assert.Equal(new WatcherRemoved("op@ops.example", T0, WatcherKind.Requestor, "cust@client.example"), Assert.Single(decision.Events));
        Assert.Empty(after.Requestors);
        Assert.Equal(["boss@client.example"], after.Cc);
    }

    [Fact]
    public void Decide_RemoveWatcherNotThere_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new RemoveWatcher(Operator, WatcherKind.AdminCc, "cust@client.example"), T0);

        Assert.Equal("cust@client.example is not AdminCc on ticket #42.", reason);
    }

    [Fact]
    public void Decide_AddLink_RecordsIt()
    {
        TicketState state = Given(Customer());

        TicketState after = Apply(Apply(state, new AddLink(Operator, LinkType.DependsOn, 43), T0), new AddLink(Operator, LinkType.RefersTo, 43), T0);

        Assert.Equal([new TicketLink(LinkType.DependsOn, 43), new TicketLink(LinkType.RefersTo, 43)], after.Links);
    }

    [Fact]
    public void Decide_AddLinkToItself_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AddLink(Operator, LinkType.ParentOf, 42), T0);

        Assert.Equal("Ticket #42 cannot link to itself.", reason);
    }

    [Fact]
    public void Decide_AddLinkTwice_IsRefused()
    {
        TicketState state = Given(Customer(), new AddLink(Operator, LinkType.ChildOf, 40));

        string? reason = Refusal(state, new AddLink(Operator, LinkType.ChildOf, 40), T0);

        Assert.Equal("Ticket #42 already has the link ChildOf #40.", reason);
    }

    [Fact]
    public void Decide_AddLinkToNoTicket_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AddLink(Operator, LinkType.ReferredToBy, 0), T0);

        Assert.Equal("Link Number must be a ticket number; got 0.", reason);
    }

    [Fact]
    public void Decide_AddExternalRef_RecordsItOnce()
    {
        TicketState state = Given(Customer(), new AddExternalRef(Integrator, "rt", "1234", "https://rt.example/Ticket/Display.html?id=1234"));

        string? reason = Refusal(state, new AddExternalRef(Integrator, "RT", "1234"), T0);

        Assert.Equal([new ExternalRef("rt", "1234", "https://rt.example/Ticket/Display.html?id=1234")], state.ExternalRefs);
        Assert.Equal("Ticket #42 already refers to RT 1234.", reason);
    }

    [Fact]
    public void Decide_AddExternalRefWithBadUrl_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AddExternalRef(Integrator, "rt", "1", "rt.example/1"), T0);

        Assert.Equal("ExternalRef Url must be an absolute http or https URL; got 'rt.example/1'.", reason);
    }

    [Fact]
    public void Decide_AttachFiles_CountsThem()
    {
        TicketState after = Apply(Given(Customer()), new AttachFiles(Operator, [new("b/1", "a.txt", "text/plain", 1)]), T0);

        Assert.Equal(1, after.AttachmentCount);
    }

    [Fact]
    public void Decide_AttachNothing_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AttachFiles(Operator, []), T0);

        Assert.Equal("Attachments: at least one file is needed.", reason);
    }

    [Fact]
    public void Decide_AttachNegativeSize_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AttachFiles(Operator, [new("b/1", "a.txt", "text/plain", -1)]), T0);

        Assert.Equal("Attachments: Size of 'a.txt' must not be negative; got -1.", reason);
    }

    [Fact]
    public void Decide_CorrespondWithSeenMessageId_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new Correspond(Mail, "again", "cust@client.example", "m1@client.example"), T0);

        Assert.Equal("Message <m1@client.example> is already recorded on ticket #42.", reason);
    }

    [Fact]
    public void Evolve_MoreThan200MessageIds_KeepsTheNewest200()
    {
        TicketState state = Given(Customer());

        for (int i = 0; i < 205; i++)
        {
            state = Apply(state, new Comment(Operator, "note", $"<n{i}@ops.example>"), T0);
        }

        Assert.Equal(200, state.MessageIds.Count);
        Assert.Equal("<n5@ops.example>", state.MessageIds[0]);
        Assert.Equal("<n204@ops.example>", state.MessageIds[^1]);
    }
}
