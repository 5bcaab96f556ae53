using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Tickets;

public sealed class TicketDeciderStatusTests
{
    [Theory]
    [InlineData("new", "open", Role.Developer)]
    [InlineData("new", "rejected", Role.Operator)]
    [InlineData("new", "deleted", Role.AppAdmin)]
    [InlineData("open", "stalled", Role.Developer)]
    [InlineData("open", "resolved", Role.Operator)]
    [InlineData("open", "rejected", Role.Operator)]
    [InlineData("stalled", "open", Role.Developer)]
    [InlineData("stalled", "resolved", Role.Operator)]
    [InlineData("resolved", "open", Role.Operator)]
    [InlineData("rejected", "deleted", Role.AppAdmin)]
    public void Decide_AllowedTransitionWithItsRole_ChangesStatus(string from, string to, Role role)
    {
        TicketState state = Status(Given(Customer()), from);

        Decision<TicketEvent> decision = Decide(state, new ChangeStatus(new Actor("someone", role), to, "because"), T0.AddHours(1));
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        var changed = Assert.IsType<StatusChanged>(Assert.Single(decision.Events));
        Assert.Equal(from, changed.From);
        Assert.Equal(to, changed.To);
        Assert.Equal("because", changed.Reason);
        Assert.Equal("someone", changed.Actor);
        Assert.Equal(to, after.Status);
        Assert.Equal(T0.AddHours(1), after.StatusSince);
    }

    [Fact]
    public void Decide_TransitionNotInLifecycle_IsRefusedNamingBothStatuses()
    {
        TicketState state = Status(Given(Customer()), "open");

        string? reason = Refusal(state, new ChangeStatus(Admin, "new"), T0);

        Assert.Equal("open -> new is not an allowed transition in lifecycle 'default'.", reason);
    }

    [Fact]
    public void Decide_UnknownStatus_IsRefused()
    {
        TicketState state = Given(Customer());

        string? reason = Refusal(state, new ChangeStatus(Admin, "closed"), T0);

        Assert.Equal("Status 'closed' is not a status of lifecycle 'default'.", reason);
    }

    [Fact]
    public void Decide_SameStatus_IsRefused()
    {
        TicketState state = Status(Given(Customer()), "open");

        string? reason = Refusal(state, new ChangeStatus(Admin, "Open"), T0);

        Assert.Equal("Ticket #42 is already open.", reason);
    }

    [Theory]
    [InlineData(Role.Developer)]
    [InlineData(Role.Integrator)]
    [InlineData(Role.LogsReader)]
    public void Decide_ActorWithoutTheTransitionsRole_IsRefusedNamingTheRoleNeeded(Role role)
    {
        TicketState state = Status(Given(Customer()), "open");

        string? reason = Refusal(state, new ChangeStatus(new Actor("pat", role), "resolved"), T0);

        Assert.Equal($"open -> resolved needs role Operator (or AppAdmin); pat has {role}.", reason);
    }

    [Fact]
    public void Decide_OperatorOnADeveloperTransition_IsRefused()
    {
        TicketState state = Given(Customer());

        string? reason = Refusal(state, new ChangeStatus(Operator, "open"), T0);

        Assert.Equal("new -> open needs role Developer (or AppAdmin); op@ops.example has Operator.", reason);
    }

    [Fact]
    public void Decide_AppAdminOnAnyTransition_IsAllowed()
    {
        TicketState state = Status(Given(Customer()), "open");

        TicketState after = Apply(state, new ChangeStatus(Admin, "resolved"), T0);

        Assert.Equal("resolved", after.Status);
    }

    [Fact]
    public void Decide_StatusInOtherCase_StoresTheLifecycleSpelling()
    {
        TicketState state = Given(Customer());

        TicketState after = Apply(state, new ChangeStatus(Developer, " OPEN "), T0);

        Assert.Equal("open", after.Status);
    }

    [Fact]
    public void Evolve_EnteringInactive_SetsResolvedAt()
    {
        TicketState state = Status(Given(Customer()), "open");

        TicketState after = Apply(state, new ChangeStatus(Operator, "resolved"), T0.AddDays(1));

        Assert.Equal(T0.AddDays(1), after.ResolvedAt);
    }

    [Fact]
    public void Evolve_Reopen_ClearsResolvedAt()
    {
        TicketState resolved = Apply(Status(Given(Customer()), "open"), new ChangeStatus(Operator, "resolved"), T0.AddDays(1));

        TicketState reopened = Apply(resolved, new ChangeStatus(Operator, "open"), T0.AddDays(2));

        Assert.Null(reopened.ResolvedAt);
        Assert.Equal("open", reopened.Status);
    }

    [Fact]
    public void Evolve_InactiveToInactive_KeepsTheFirstResolvedAt()
    {
        TicketState rejected = Apply(Given(Customer()), new ChangeStatus(Operator, "rejected"), T0.AddHours(1));

        TicketState deleted = Apply(rejected, new ChangeStatus(Admin, "deleted"), T0.AddHours(5));

        Assert.Equal(T0.AddHours(1), deleted.ResolvedAt);
    }

    [Fact]
    public void TimeInStatusAt_AcrossSeveralTransitions_SumsEachStatus()
    {
        TicketState state = Given(Customer());
        state = Apply(state, new ChangeStatus(Developer, "open"), T0.AddMinutes(10));
        state = Apply(state, new ChangeStatus(Developer, "stalled"), T0.AddMinutes(70));
        state = Apply(state, new ChangeStatus(Developer, "open"), T0.AddMinutes(190));
        state = Apply(state, new ChangeStatus(Operator, "resolved"), T0.AddMinutes(250));
        state = Apply(state, new ChangeStatus(Operator, "open"), T0.AddMinutes(310));

        IReadOnlyDictionary<string, TimeSpan> times = state.TimeInStatusAt(T0.AddMinutes(400));

        Assert.Equal(TimeSpan.FromMinutes(10), times["new"]);
        Assert.Equal(TimeSpan.FromMinutes(210), times["open"]);
        Assert.Equal(TimeSpan.FromMinutes(120), times["stalled"]);
        Assert.Equal(TimeSpan.FromMinutes(60), times["resolved"]);
        Assert.Equal(TimeSpan.FromMinutes(120), state.TimeInStatus["open"]);
        Assert.Equal(T0.AddMinutes(310), state.StatusSince);
    }

    [Fact]
    public void TimeInStatusAt_NowBeforeStatusSince_AddsNothing()
    {
        TicketState state = Apply(Given(Customer()), new ChangeStatus(Developer, "open"), T0.AddMinutes(10));

        IReadOnlyDictionary<string, TimeSpan> times = state.TimeInStatusAt(T0);

        Assert.Equal(TimeSpan.FromMinutes(10), times["new"]);
        Assert.False(times.ContainsKey("open"));
    }

    [Fact]
    public void Evolve_TransitionStampedBeforeStatusSince_AddsNoNegativeTime()
    {
        TicketState state = Apply(Given(Customer()), new ChangeStatus(Developer, "open"), T0.AddMinutes(10));

        TicketState after = Apply(state, new ChangeStatus(Developer, "stalled"), T0.AddMinutes(5));

        Assert.Equal(TimeSpan.Zero, after.TimeInStatus["open"]);
    }

    [Fact]
    public void Decide_SetOwner_ChangesAndClearsTheOwner()
    {
        TicketState state = Given(Customer());

        TicketState owned = Apply(state, new SetOwner(Operator, " dev@ops.example "), T0);
        TicketState cleared = Apply(owned, new SetOwner(Operator, null), T0);

        Assert.Equal("dev@ops.example", owned.Owner);
        Assert.Null(cleared.Owner);
    }

    [Fact]
    public void Decide_SetOwnerToNobodyWhenNobody_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new SetOwner(Operator, ""), T0);

        Assert.Equal("Owner of ticket #42 is already nobody.", reason);
    }

    [Fact]
    public void Decide_SetPriority_RecordsFromAndTo()
    {
        Decision<TicketEvent> decision = Decide(Given(Customer()), new SetPriority(Operator, 80), T0);

        Assert.Equal(new PriorityChanged("op@ops.example", T0, 30, 80), Assert.Single(decision.Events));
    }

    [Theory]
    [InlineData(30, "Priority of ticket #42 is already 30.")]
    [InlineData(101, "Priority must be between 0 and 100; got 101.")]
    [InlineData(-5, "Priority must be between 0 and 100; got -5.")]
    public void Decide_SetPriorityInvalid_IsRefused(int priority, string expected)
    {
        string? reason = Refusal(Given(Customer()), new SetPriority(Operator, priority), T0);

        Assert.Equal(expected, reason);
    }

    [Fact]
    public void Decide_SetSubject_ChangesIt()
    {
        TicketState after = Apply(Given(Customer()), new SetSubject(Operator, "Printer fixed"), T0);

        Assert.Equal("Printer fixed", after.Subject);
    }

    [Theory]
    [InlineData("   ", "Subject is required.")]
    [InlineData("Printer on fire", "Subject of ticket #42 is already 'Printer on fire'.")]
    public void Decide_SetSubjectInvalid_IsRefused(string subject, string expected)
    {
        string? reason = Refusal(Given(Customer()), new SetSubject(Operator, subject), T0);

        Assert.Equal(expected, reason);
    }

    [Fact]
    public void Decide_SetSubjectTooLong_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new SetSubject(Operator, new string('x', 201)), T0);

        Assert.Equal("Subject must be at most 200 characters; got 201.", reason);
    }

    [Fact]
    public void Decide_CustomerReplyToResolvedTicket_RecordsTheReplyAndReopens()
    {
        TicketState state = Status(Given(Customer()), "resolved");
        var customer = new Actor("cust@client.example", Role.Operator);

        Decision<TicketEvent> decision = Decide(state, new Correspond(customer, "It is broken again.", "cust@client.example", "<r1@client.example>", Reopen: true), T0.AddDays(1));
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        Assert.IsType<Corresponded>(decision.Events[0]);
        var reopened = Assert.IsType<StatusChanged>(decision.Events[1]);
        Assert.Equal(("resolved", "open", false), (reopened.From, reopened.To, reopened.ToInactive));
        Assert.Equal("reopened by a reply from cust@client.example", reopened.Reason);
        Assert.Equal("open", after.Status);
        Assert.Null(after.ResolvedAt);
        Assert.Single(decision.Effects);
    }

    [Fact]
    public void Decide_ReplyWithoutReopen_OrAutoSubmitted_OrToAnActiveTicket_LeavesTheStatus()
    {
        var customer = new Actor("cust@client.example", Role.Operator);
        TicketState resolved = Status(Given(Customer()), "resolved");
        TicketState open = Status(Given(Customer()), "open");

        Decision<TicketEvent> plain = Decide(resolved, new Correspond(customer, "Thanks!", "cust@client.example", "<r2@client.example>"), T0);
        Decision<TicketEvent> auto = Decide(resolved, new Correspond(customer, "Out of office", "cust@client.example", "<r3@client.example>", AutoSubmitted: true, Reopen: true), T0);
        Decision<TicketEvent> active = Decide(open, new Correspond(customer, "More detail", "cust@client.example", "<r4@client.example>", Reopen: true), T0);

        Assert.All([plain, auto, active], d => Assert.IsType<Corresponded>(Assert.Single(d.Events)));
    }

    [Fact]
    public void Decide_ReplyWhenTheLifecycleLetsNoSuchActorReopen_IsRecordedAndStaysClosed()
    {
        // In the fixture only an operator reopens resolved, and nothing leaves rejected except to deleted.
        TicketState resolved = Status(Given(Customer()), "resolved");
        TicketState rejected = Status(Given(Customer()), "rejected");

        Decision<TicketEvent> byIntegrator = Decide(resolved, new Correspond(Mail, "Again", "cust@client.example", "<r5@client.example>", Reopen: true), T0);
        Decision<TicketEvent> toRejected = Decide(rejected, new Correspond(Admin, "Again", "cust@client.example", "<r6@client.example>", Reopen: true), T0);

        Assert.IsType<Corresponded>(Assert.Single(byIntegrator.Events));
        Assert.IsType<Corresponded>(Assert.Single(toRejected.Events));
    }
}
