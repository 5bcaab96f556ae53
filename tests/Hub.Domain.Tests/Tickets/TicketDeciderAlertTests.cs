using System.Text.Json;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Tickets;

public sealed class TicketDeciderAlertTests
{
    private static readonly Actor Alertmanager = new("alertmanager", Hub.Domain.Configuration.Role.Integrator);

    [Fact]
    public void Decide_AlertFiredAgain_CountsAndRefreshes()
    {
        TicketState state = Given(Defect());
        AlertInfo again = Alert() with
        {
            Labels = new Dictionary<string, string> { ["alertname"] = "DiskFull", ["severity"] = "warning" },
            Annotations = new Dictionary<string, string> { ["summary"] = "Disk 97% full" },
            Links = new Dictionary<string, string>(),
            Service = null,
        };

        TicketState after = Apply(state, new AlertFired(Alertmanager, again, T0.AddMinutes(5)), T0.AddMinutes(6));

        Assert.Equal(2, after.Alert!.FiringCount);
        Assert.Equal(T0, after.Alert.FirstSeenAt);
        Assert.Equal(T0.AddMinutes(5), after.Alert.LastSeenAt);
        Assert.Equal("warning", after.Alert.Labels["severity"]);
        Assert.Equal("Disk 97% full", after.Alert.Annotations["summary"]);
        Assert.Equal("https://runbooks.example/disk", after.Alert.Links["runbook"]);
        Assert.Equal("archive", after.Alert.Service);
        Assert.Equal("new", after.Status);
    }

    [Fact]
    public void Decide_AlertFiredWithOtherIdentity_IsRefused()
    {
        string? reason = Refusal(Given(Defect()), new AlertFired(Alertmanager, Alert() with { Identity = "fp-ffff" }, T0), T0);

        Assert.Equal("Alert 'fp-ffff' does not match alert 'fp-1a2b' of ticket #7.", reason);
    }

    [Fact]
    public void Decide_AlertFiredOnResolvedTicket_IsRefused()
    {
        TicketState state = Status(Given(Defect()), "resolved");

        string? reason = Refusal(state, new AlertFired(Alertmanager, Alert(), T0), T0);

        Assert.Equal("Ticket #7 is resolved; a new firing of its alert opens a new ticket.", reason);
    }

    [Fact]
    public void Decide_AlertFiredOnTicketWithoutAlert_IsRefused()
    {
        string? reason = Refusal(Given(Customer()), new AlertFired(Alertmanager, Alert(), T0), T0);

        Assert.Equal("Ticket #42 was not opened for an alert.", reason);
    }

    [Fact]
    public void Decide_AlertResolvedInAutoResolveQueue_NotesItAndResolvesAsSystem()
    {
        TicketState state = Status(Given(Defect()), "open");
        DateTimeOffset at = T0.AddMinutes(30);

        Decision<TicketEvent> decision = Decide(state, new AlertResolved(Alertmanager, at), T0.AddMinutes(31));
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        Assert.Equal(
            [
                new AlertResolvedNoted("alertmanager", T0.AddMinutes(31), at, "Alert resolved at 2026-03-02 09:30:00 +00:00."),
                new StatusChanged("system", T0.AddMinutes(31), "open", "resolved", "Alert resolved at 2026-03-02 09:30:00 +00:00.", true),
            ],
            decision.Events);
        Assert.Equal("resolved", after.Status);
        Assert.Equal(T0.AddMinutes(31), after.ResolvedAt);
        Assert.Equal(at, after.Alert!.ResolvedAt);
        string kind = JsonDocument.Parse(Assert.Single(decision.Effects).Payload).RootElement.GetProperty("kind").GetString()!;
        Assert.Equal("status", kind);
    }

    [Fact]
    public void Decide_AlertResolvedWhileNew_MovesToTheFirstInactiveStatusReachable()
    {
        // The default lifecycle has no new -> resolved; new -> rejected is the first Inactive transition from new.
        TicketState state = Given(Defect());

        Decision<TicketEvent> decision = Decide(state, new AlertResolved(Alertmanager, T0.AddMinutes(30)), T0.AddMinutes(30));

        var changed = Assert.IsType<StatusChanged>(decision.Events[1]);
        Assert.Equal("new", changed.From);
        Assert.Equal("rejected", changed.To);
    }

    [Fact]
    public void Decide_AlertResolvedWithoutResolvedStatus_UsesFirstInactiveReachable()
    {
        TicketState state = Apply(Given(Defect(queue: "Release-Alerts")), new ChangeStatus(Admin, "verifying"), T0);

        Decision<TicketEvent> decision = Decide(state, new AlertResolved(Alertmanager, T0.AddHours(1)), T0.AddHours(1));

        var changed = Assert.IsType<StatusChanged>(decision.Events[1]);
        Assert.Equal("withdrawn", changed.To);
    }

    [Fact]
    public void Decide_AlertResolvedWithNoInactiveReachable_OnlyNotes()
    {
        TicketState state = Given(Defect(queue: "Release-Alerts"));

        Decision<TicketEvent> decision = Decide(state, new AlertResolved(Alertmanager, T0.AddHours(1)), T0.AddHours(1));
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        Assert.IsType<AlertResolvedNoted>(Assert.Single(decision.Events));
        Assert.Equal("submitted", after.Status);
    }

    [Fact]
    public void Decide_AlertResolvedInQueueWithoutAutoResolve_OnlyNotesAndTellsAdminCc()
    {
        TicketState state = Status(Given(Defect(queue: "Admin")), "open");

        Decision<TicketEvent> decision = Decide(state, new AlertResolved(Alertmanager, T0.AddMinutes(30)), T0.AddMinutes(30));
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        Assert.IsType<AlertResolvedNoted>(Assert.Single(decision.Events));
        Assert.Equal("open", after.Status);
        Assert.Null(after.ResolvedAt);
        JsonElement payload = JsonDocument.Parse(Assert.Single(decision.Effects).Payload).RootElement;
        Assert.Equal("alert-resolved", payload.GetProperty("kind").GetString());
        Assert.Equal("internal", payload.GetProperty("visibility").GetString());
        Assert.Equal("computing-help@hub.example", Assert.Single(payload.GetProperty("to").EnumerateArray()).GetString());
    }

    [Fact]
    public void Decide_AlertResolvedTwice_IsRefused()
    {
        TicketState state = Apply(Given(Defect(queue: "Admin")), new AlertResolved(Alertmanager, T0.AddMinutes(30)), T0.AddMinutes(30));

        string? reason = Refusal(state, new AlertResolved(Alertmanager, T0.AddMinutes(40)), T0.AddMinutes(40));

        Assert.Equal("The alert of ticket #7 already resolved at 2026-03-02 09:30:00 +00:00.", reason);
    }

    [Fact]
    public void Decide_AlertFiresAfterResolvedWhileTicketOpen_ClearsAlertResolvedAt()
    {
        TicketState state = Apply(Given(Defect(queue: "Admin")), new AlertResolved(Alertmanager, T0.AddMinutes(30)), T0.AddMinutes(30));

        TicketState after = Apply(state, new AlertFired(Alertmanager, Alert(), T0.AddMinutes(45)), T0.AddMinutes(45));

        Assert.Null(after.Alert!.ResolvedAt);
        Assert.Equal(2, after.Alert.FiringCount);
    }

    [Fact]
    public void Decide_NeedsTechnicalResolution_RequestsAnEscalationCopy()
    {
        TicketState state = Status(Given(Customer()), "open");

        Decision<TicketEvent> decision = Decide(state, new NeedsTechnicalResolution(Operator, "productiondefect"), T0.AddHours(2));
        TicketState after = decision.Events.Aggregate(state, Decider.Evolve);

        Assert.Equal(new EscalationRequested("op@ops.example", T0.AddHours(2), "ProductionDefect"), Assert.Single(decision.Events));
        SideEffect effect = Assert.Single(decision.Effects);
        Assert.Equal("ticket.escalate", effect.Kind);
        Assert.Equal(
            """{"sourceNumber":42,"sourceQueue":"Customer-Support","subject":"Printer on fire","targetQueue":"ProductionDefect","priority":30}""",
            effect.Payload);
        Assert.Equal(new Escalation("ProductionDefect", T0.AddHours(2)), after.Escalation);
    }

    [Fact]
    public void Decide_NeedsTechnicalResolutionTwice_IsRefused()
    {
        TicketState state = Apply(Given(Customer()), new NeedsTechnicalResolution(Operator, "ProductionDefect"), T0.AddHours(2));

        string? reason = Refusal(state, new NeedsTechnicalResolution(Operator, "ProductionDefect"), T0.AddHours(3));

        Assert.Equal("Ticket #42 was already escalated to ProductionDefect at 2026-03-02 11:00:00 +00:00.", reason);
    }

    [Theory]
    [InlineData("Nowhere", "TargetQueue 'Nowhere' does not exist.")]
    [InlineData("Customer-Support", "TargetQueue must differ from the ticket's queue 'Customer-Support'.")]
    public void Decide_NeedsTechnicalResolutionToBadQueue_IsRefused(string queue, string expected)
    {
        string? reason = Refusal(Given(Customer()), new NeedsTechnicalResolution(Operator, queue), T0);

        Assert.Equal(expected, reason);
    }

    [Fact]
    public void Decide_NeedsTechnicalResolutionOnResolvedTicket_IsRefused()
    {
        string? reason = Refusal(Status(Given(Customer()), "resolved"), new NeedsTechnicalResolution(Operator, "ProductionDefect"), T0);

        Assert.Equal("Ticket #42 is resolved; reopen it before asking for technical resolution.", reason);
    }
}
