using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Intake.Tickets;

public sealed class ExternalTicketDeciderTests
{
    private static readonly ExternalTicketDecider Decider = new(Config);
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public void Decide_CreatedWithoutNumber_AsksForOne()
    {
        Result<Decision<ExternalTicketEvent>> result = Decider.Decide(Decider.Initial, Created(0), T0);

        Assert.Equal(ExternalTicketDecider.NeedsNumber, result.Reason);
    }

    [Fact]
    public void Decide_CreatedWithNumber_OpensTicketWithExternalRefInternally()
    {
        Decision<ExternalTicketEvent> decision = Decider.Decide(Decider.Initial, Created(7), T0).Value!;

        var create = Assert.IsType<CreateTicket>(Assert.Single(Commands(decision, "7")));
        Assert.Equal("Customer-Support", create.Queue);
        Assert.Equal(new ExternalRef("rt", "RT-1", "https://rt.example.org/1"), create.ExternalRef);
        Assert.Equal("tickets:rt", create.Source);
        Assert.True(create.Internal);
        Assert.Equal(new ExternalTicketOpened(7, "Customer-Support", "Printer on fire", "new", null, new Dictionary<string, string>(), T0), Assert.Single(decision.Events), new OpenedComparer());
    }

    [Fact]
    public void Decide_CreatedInANonInitialStatus_CreatesThenChangesStatus()
    {
        Decision<ExternalTicketEvent> decision = Decider.Decide(Decider.Initial, Created(7, status: "OPEN"), T0).Value!;

        Assert.Equal("open", Assert.IsType<ChangeStatus>(Commands(decision, "7")[1]).To);
    }

    [Fact]
    public void Decide_UpdatedWithTheValuesAlreadyKnown_RecordsTheEventAndCommandsNothing()
    {
        ExternalTicketState state = Mapped();

        Decision<ExternalTicketEvent> decision = Decider.Decide(state, Event(TicketEventKind.Updated, new("RT-1", Subject: "Printer on fire", Status: "new")), T0).Value!;

        Assert.IsType<ExternalTicketSynced>(Assert.Single(decision.Events));
        Assert.Empty(decision.Effects);
    }

    [Fact]
    public void Decide_UpdatedSubjectAndStatus_CommandsOnlyThose()
    {
        ExternalTicketState state = Mapped();

        Decision<ExternalTicketEvent> decision = Decider.Decide(state, Event(TicketEventKind.Updated, new("RT-1", Subject: "Printer fixed", Status: "Open")), T0).Value!;
        ExternalTicketState after = Decider.Evolve(state, decision.Events[0]);

        Assert.Collection(
            Commands(decision, "7"),
            c => Assert.Equal("Printer fixed", Assert.IsType<SetSubject>(c).Subject),
            c => Assert.Equal("open", Assert.IsType<ChangeStatus>(c).To));
        Assert.Equal("Printer fixed", after.Subject);
        Assert.Equal("open", after.Status);
    }

    [Fact]
    public void Decide_CreatedAgainForAMappedTicket_OpensNothingNew()
    {
        ExternalTicketState state = Mapped();

        Decision<ExternalTicketEvent> decision = Decider.Decide(state, Created(9), T0).Value!;

        Assert.IsType<ExternalTicketSynced>(Assert.Single(decision.Events));
        Assert.DoesNotContain(Commands(decision, "7"), c => c is CreateTicket);
    }

    [Fact]
    public void Decide_PublicComment_RecordedAsCorrespondenceThatIsNotMailed()
    {
        var commented = new TicketSystemEvent(TicketEventKind.Commented, null, new("RT-1"), new ExternalComment("Fixed it.", "bob@example.com", Internal: false));

        Decision<ExternalTicketEvent> decision = Decider.Decide(Mapped(), new ApplyTicketEvent("rt", commented, "Customer-Support", 0, T0), T0).Value!;

        var correspond = Assert.IsType<Correspond>(Assert.Single(Commands(decision, "7")));
        Assert.Equal(("Fixed it.", "bob@example.com", true), (correspond.Body, correspond.From, correspond.AutoSubmitted));
    }

    [Theory]
    [InlineData(TicketEventKind.Updated)]
    [InlineData(TicketEventKind.Status)]
    [InlineData(TicketEventKind.Commented)]
    public void Check_EventForAnUnmappedTicket_NamesTicketId(TicketEventKind kind)
    {
        var command = Event(kind, new("RT-404", Status: "open"));

        (Plan? plan, IReadOnlyList<TicketHookError> errors) = ExternalTicketRules.Check(Decider.Initial, command, Config);

        Assert.Null(plan);
        Assert.Equal("ticket.id", Assert.Single(errors).Field);
        Assert.False(Decider.Decide(Decider.Initial, command, T0).IsOk);
    }

    [Fact]
    public void Check_StatusNotInTheLifecycle_NamesTicketStatusAndTheChoices()
    {
        (_, IReadOnlyList<TicketHookError> errors) = ExternalTicketRules.Check(Mapped(), Event(TicketEventKind.Status, new("RT-1", Status: "shipped")), Config);

        Assert.Equal(
            new TicketHookError("ticket.status", "'shipped' is not a status of lifecycle 'default' (queue 'Customer-Support'); use one of new, open, stalled, resolved, rejected, deleted"),
            Assert.Single(errors));
    }

    [Fact]
    public void Check_CreatedWithInvalidQueueFieldsAndRequestors_NamesEach()
    {
        var deploy = new TicketSystemEvent(
            TicketEventKind.Created, null, new("RT-5", "https://rt.example.org/5", Queue: "ProductionDeploy", Requestors: ["not-an-address"]), null);
        var nowhere = new TicketSystemEvent(TicketEventKind.Created, null, new("RT-6", "https://rt.example.org/6", Queue: "Nowhere"), null);

        (_, IReadOnlyList<TicketHookError> errors) = ExternalTicketRules.Check(Decider.Initial, new ApplyTicketEvent("rt", deploy, "Customer-Support", 1, T0), Config);
        (_, IReadOnlyList<TicketHookError> queue) = ExternalTicketRules.Check(Decider.Initial, new ApplyTicketEvent("rt", nowhere, "Customer-Support", 1, T0), Config);

        Assert.Equal(["ticket.customFields", "ticket.requestors"], errors.Select(e => e.Field));
        Assert.Contains("'Tier' is required", errors[0].Rule, StringComparison.Ordinal);
        Assert.Equal("ticket.queue", Assert.Single(queue).Field);
    }

    [Fact]
    public void Decide_TransitionOnATicketOutsideTheReleaseQueue_RecordedOnlyWithAComment()
    {
        var transition = new ReleaseTransition("RT-1", RolloutProgress.Production, RolloutProgress.StageRollout, false, null);

        Decision<ExternalTicketEvent> decision = Decider.Decide(Mapped(), new RecordReleaseTransition("rt", transition, T0), T0).Value!;

        Assert.Equal(new ReleaseTransitionRecorded(RolloutProgress.Production, RolloutProgress.StageRollout, false, T0), Assert.Single(decision.Events));
        Assert.Equal(
            "rt reports the release moved StageRollout -> Production. Recorded only: ticket #7 is in Customer-Support, not the release queue sw-rel.",
            Assert.IsType<Hub.Domain.Tickets.Comment>(Assert.Single(Commands(decision, "7"))).Body);
    }

    [Fact]
    public void Decide_TransitionOnAReleaseTicket_CommandsTheRelease()
    {
        var opened = Decider.Decide(Decider.Initial, Created(8) with { Event = Created(8).Event with { Ticket = Created(8).Event.Ticket with { Queue = "sw-rel", CustomFields = new Dictionary<string, string?> { ["Version"] = "1.0.0" } } } }, T0).Value!;
        ExternalTicketState mapped = Decider.Evolve(Decider.Initial, opened.Events[0]);
        var transition = new ReleaseTransition("RT-1", RolloutProgress.StageRollout, RolloutProgress.InVerification, true, null);

        Decision<ExternalTicketEvent> decision = Decider.Decide(mapped, new RecordReleaseTransition("rt", transition, T0), T0).Value!;

        AggregateCommand open = AggregateCommand.Parse(opened.Effects[^1].Payload);
        Assert.Equal(("release", "8"), (open.Kind, open.Id));
        AggregateCommand command = AggregateCommand.Parse(Assert.Single(decision.Effects).Payload);
        Assert.Equal(("release", "8"), (command.Kind, command.Id));
        var move = Assert.IsType<Hub.Domain.Releases.ExternalTransition>(System.Text.Json.JsonSerializer.Deserialize<Hub.Domain.Releases.ReleaseCommand>(command.Command, Json));
        Assert.Equal(("rt", RolloutProgress.StageRollout, RolloutProgress.InVerification, true), (move.System, move.Current, move.Previous, move.Emergency));
        Assert.Equal("tickets:rt", move.Actor.Name);
    }

    [Fact]
    public void Decide_TransitionForAnUnmappedTicket_IsRefused()
    {
        var transition = new ReleaseTransition("RT-404", RolloutProgress.Production, RolloutProgress.StageRollout, false, null);

        Result<Decision<ExternalTicketEvent>> result = Decider.Decide(Decider.Initial, new RecordReleaseTransition("rt", transition, T0), T0);

        Assert.StartsWith("ticketId: no ticket from 'rt' with id 'RT-404'", result.Reason, StringComparison.Ordinal);
    }

    private static ApplyTicketEvent Created(long number, string? status = null) => new(
        "rt",
        new TicketSystemEvent(TicketEventKind.Created, null, new("RT-1", "https://rt.example.org/1", Subject: "Printer on fire", Status: status), null),
        "Customer-Support",
        number,
        T0);

    private static ApplyTicketEvent Event(TicketEventKind kind, ExternalTicketSnapshot ticket) =>
        new("rt", new TicketSystemEvent(kind, null, ticket, null), "Customer-Support", 0, T0);

    private static ExternalTicketState Mapped() => Decider.Evolve(Decider.Initial, Decider.Decide(Decider.Initial, Created(7), T0).Value!.Events[0]);

    private static List<TicketCommand> Commands(Decision<ExternalTicketEvent> decision, string ticket) =>
        [.. decision.Effects.Select(e =>
        {
            AggregateCommand command = AggregateCommand.Parse(e.Payload);
            Assert.Equal((TicketDecider.AggregateKind, ticket), (command.Kind, command.Id));
            return System.Text.Json.JsonSerializer.Deserialize<TicketCommand>(command.Command, Json)!;
        })];

    // Records compare dictionaries by reference; compare the opened event by its values.
    private sealed class OpenedComparer : IEqualityComparer<ExternalTicketEvent>
    {
        public bool Equals(ExternalTicketEvent? x, ExternalTicketEvent? y) =>
            x is ExternalTicketOpened a && y is ExternalTicketOpened b
            && (a with { CustomFields = b.CustomFields }) == b && a.CustomFields.Count == b.CustomFields.Count
            && a.CustomFields.All(f => b.CustomFields.TryGetValue(f.Key, out string? v) && v == f.Value);

        public int GetHashCode(ExternalTicketEvent obj) => 0;
    }
}
