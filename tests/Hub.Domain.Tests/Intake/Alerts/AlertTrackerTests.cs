using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Alerts;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Intake.Alerts;

public sealed class AlertTrackerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly AlertTrackerDecider _decider = new();

    [Fact]
    public void Decide_FiringWithoutNumber_AsksForOne()
    {
        var result = _decider.Decide(_decider.Initial, Observe(AlertStatus.Firing, candidate: 0), Now);

        Assert.False(result.IsOk);
        Assert.Equal(AlertTrackerDecider.NeedsNumber, result.Reason);
    }

    [Fact]
    public void Decide_FirstFiring_OpensTicketWithTheReservedNumber()
    {
        var result = _decider.Decide(_decider.Initial, Observe(AlertStatus.Firing, candidate: 42), Now);

        Decision<AlertTrackerEvent> decision = result.Value!;
        Assert.Equal(new AlertTicketOpened(42, Now), Assert.Single(decision.Events));
        AggregateCommand command = AggregateCommand.Parse(Assert.Single(decision.Effects).Payload);
        Assert.Equal(("ticket", "42"), (command.Kind, command.Id));
        Assert.Contains("\"type\":\"create\"", command.Command, StringComparison.Ordinal);
        Assert.Contains("\"queue\":\"ProductionDefect\"", command.Command, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_FiringWhileOpen_UpdatesTheOpenTicketAndReservesNothing()
    {
        AlertTrackerState open = _decider.Evolve(_decider.Initial, new AlertTicketOpened(42, Now));

        var result = _decider.Decide(open, Observe(AlertStatus.Firing, candidate: 0), Now.AddMinutes(5));

        Assert.Equal(new AlertRefired(42, Now), Assert.Single(result.Value!.Events));
        Assert.Contains("\"type\":\"alert-fired\"", AggregateCommand.Parse(Assert.Single(result.Value.Effects).Payload).Command, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ResolvedThenFiring_NewTicketRefersToTheOld()
    {
        AlertTrackerState open = _decider.Evolve(_decider.Initial, new AlertTicketOpened(42, Now));
        Decision<AlertTrackerEvent> resolved = _decider.Decide(open, Observe(AlertStatus.Resolved, candidate: 0), Now).Value!;
        AlertTrackerState closed = _decider.Evolve(open, Assert.Single(resolved.Events));

        Decision<AlertTrackerEvent> again = _decider.Decide(closed, Observe(AlertStatus.Firing, candidate: 43), Now.AddHours(1)).Value!;

        Assert.Equal(new AlertCleared(42, Now), Assert.Single(resolved.Events));
        Assert.Equal(new AlertTrackerState(null, 42, 1, "resolved"), closed);
        Assert.Equal(new AlertTicketOpened(43, Now), Assert.Single(again.Events));
        Assert.Equal(2, again.Effects.Count);
        Assert.Contains("\"refersTo\"", AggregateCommand.Parse(again.Effects[1].Payload).Command, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decide_ResolvedWithNoOpenTicket_IsRefused()
    {
        var result = _decider.Decide(_decider.Initial, Observe(AlertStatus.Resolved, candidate: 0), Now);

        Assert.False(result.IsOk);
    }

    [Fact]
    public void Decide_TicketClosedByHand_FreesTheAlert()
    {
        AlertTrackerState open = _decider.Evolve(_decider.Initial, new AlertTicketOpened(42, Now));

        var wrong = _decider.Decide(open, new AlertTicketClosed(7), Now);
        var right = _decider.Decide(open, new AlertTicketClosed(42), Now);

        Assert.False(wrong.IsOk);
        Assert.Equal(new AlertTrackerState(null, 42, 1, "ticket-closed"), _decider.Evolve(open, Assert.Single(right.Value!.Events)));
    }

    // Events are stamped with the time the hub received the alert (ReceivedAt), not the time the queue delivered it.
    private static ObserveAlert Observe(AlertStatus status, long candidate) => new(
        new NormalizedAlert(
            "alertmanager:fp-1", status, "DiskFull", "disk is full", "critical", 90, AlertClassification.Urgent, Now, null,
            new Dictionary<string, string> { ["alertname"] = "DiskFull" }, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["runbook_url"] = "https://runbooks.example.org/disk" }, "storage", "digest"),
        "alertmanager",
        "ProductionDefect",
        candidate,
        Now);
}
