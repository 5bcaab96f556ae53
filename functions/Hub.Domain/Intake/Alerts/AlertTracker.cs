using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Intake.Alerts;

/// <summary>
/// One aggregate per alert identity: it knows the ticket currently open for the alert, so firing opens exactly one
/// ticket, repeated firing updates it, and firing after resolve opens a new ticket that refers to the old one.
/// </summary>
public sealed record AlertTrackerState(long? OpenTicket, long? LastTicket, int Firings, string Status);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ObserveAlert), "observe")]
[JsonDerivedType(typeof(AlertTicketClosed), "ticket-closed")]
public abstract record AlertTrackerCommand;

/// <summary>An alert as delivered. <paramref name="CandidateNumber"/> is the ticket number to use if a new ticket is needed (0: none reserved).</summary>
/// <param name="Service">The alert's service as the catalog has it (run book, DR category), shown on a new ticket; null when the catalog does not know it.</param>
public sealed record ObserveAlert(
    NormalizedAlert Alert, string Format, string Queue, long CandidateNumber, DateTimeOffset ReceivedAt, Catalog.ServiceFacts? Service = null) : AlertTrackerCommand;

/// <summary>The alert's ticket was closed by other means (an operator resolved it): the next firing opens a new one.</summary>
public sealed record AlertTicketClosed(long Number) : AlertTrackerCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AlertTicketOpened), "ticket-opened")]
[JsonDerivedType(typeof(AlertRefired), "refired")]
[JsonDerivedType(typeof(AlertCleared), "cleared")]
[JsonDerivedType(typeof(AlertTicketReleased), "ticket-released")]
public abstract record AlertTrackerEvent;

public sealed record AlertTicketOpened(long Number, DateTimeOffset At) : AlertTrackerEvent;

public sealed record AlertRefired(long Number, DateTimeOffset At) : AlertTrackerEvent;

public sealed record AlertCleared(long Number, DateTimeOffset At) : AlertTrackerEvent;

public sealed record AlertTicketReleased(long Number) : AlertTrackerEvent;

public sealed class AlertTrackerDecider : IDecider<AlertTrackerState, AlertTrackerCommand, AlertTrackerEvent>
{
    public const string AggregateKind = "alert";

    /// <summary>The refusal that tells the intake to reserve a ticket number and try again.</summary>
    public const string NeedsNumber = "A new ticket is needed for this alert and no ticket number was reserved.";

    public string Kind => AggregateKind;

    public AlertTrackerState Initial => new(null, null, 0, "quiet");

    public Result<Decision<AlertTrackerEvent>> Decide(AlertTrackerState state, AlertTrackerCommand command, DateTimeOffset now) => command switch
    {
        ObserveAlert { Alert.Status: AlertStatus.Resolved } o => Resolve(state, o),
        ObserveAlert o => Fire(state, o),
        AlertTicketClosed c when state.OpenTicket == c.Number =>
            Result<Decision<AlertTrackerEvent>>.Ok(Decision<AlertTrackerEvent>.Of(new AlertTicketReleased(c.Number))),
        AlertTicketClosed c => Result<Decision<AlertTrackerEvent>>.Rejected($"Ticket #{c.Number} is not this alert's open ticket."),
        _ => Result<Decision<AlertTrackerEvent>>.Rejected($"Unknown alert command {command.GetType().Name}."),
    };

    public AlertTrackerState Evolve(AlertTrackerState state, AlertTrackerEvent @event) => @event switch
    {
        AlertTicketOpened o => state with { OpenTicket = o.Number, Firings = 1, Status = "firing" },
        AlertRefired => state with { Firings = state.Firings + 1, Status = "firing" },
        AlertCleared c => state with { OpenTicket = null, LastTicket = c.Number, Status = "resolved" },
        AlertTicketReleased r => state with { OpenTicket = null, LastTicket = r.Number, Status = "ticket-closed" },
        _ => state,
    };

    public Result<AlertTrackerCommand> OnTimer(AlertTrackerState state, TimerFired timer) =>
        Result<AlertTrackerCommand>.Rejected("Alert trackers set no timers.");

    public string? StateName(AlertTrackerState state) => state.Status;

    private static Result<Decision<AlertTrackerEvent>> Fire(AlertTrackerState state, ObserveAlert o)
    {
        var actor = new Actor($"alert:{o.Format}", Role.Integrator);
        NormalizedAlert alert = o.Alert;
        if (state.OpenTicket is { } open)
        {
            AlertInfo info = Info(o, state.Firings + 1);
            return Result<Decision<AlertTrackerEvent>>.Ok(new Decision<AlertTrackerEvent>(
                [new AlertRefired(open, o.ReceivedAt)],
                [AggregateCommand.Effect<TicketCommand>(TicketDecider.AggregateKind, Id(open), new AlertFired(actor, info, o.ReceivedAt), actor.Name)]));
        }

        if (o.CandidateNumber <= 0)
        {
            return Result<Decision<AlertTrackerEvent>>.Rejected(NeedsNumber);
        }

        var create = new CreateTicket(
            actor,
            o.CandidateNumber,
            o.Queue,
            alert.Title,
            Body(o, state.LastTicket),
            Priority: alert.Priority,
            Source: $"alert:{o.Format}",
            Classification: alert.Classification,
            Alert: Info(o, 1),
            Internal: true);
        var effects = new List<SideEffect> { AggregateCommand.Create<TicketCommand>(TicketDecider.AggregateKind, Id(o.CandidateNumber), create, actor.Name) };
        if (state.LastTicket is { } previous)
        {
            effects.Add(AggregateCommand.Effect<TicketCommand>(
                TicketDecider.AggregateKind, Id(o.CandidateNumber), new AddLink(actor, LinkType.RefersTo, previous), actor.Name));
        }

        return Result<Decision<AlertTrackerEvent>>.Ok(new Decision<AlertTrackerEvent>([new AlertTicketOpened(o.CandidateNumber, o.ReceivedAt)], effects));
    }

    private static Result<Decision<AlertTrackerEvent>> Resolve(AlertTrackerState state, ObserveAlert o)
    {
        if (state.OpenTicket is not { } open)
        {
            return Result<Decision<AlertTrackerEvent>>.Rejected("The alert resolved while no ticket is open for it; nothing to do.");
        }

        var actor = new Actor($"alert:{o.Format}", Role.Integrator);
        return Result<Decision<AlertTrackerEvent>>.Ok(new Decision<AlertTrackerEvent>(
            [new AlertCleared(open, o.ReceivedAt)],
            [AggregateCommand.Effect<TicketCommand>(TicketDecider.AggregateKind, Id(open), new AlertResolved(actor, o.Alert.EndsAt ?? o.ReceivedAt), actor.Name)]));
    }

    private static string Id(long number) => number.ToString(CultureInfo.InvariantCulture);

    private static AlertInfo Info(ObserveAlert o, int firings) => new(
        o.Alert.Identity,
        o.Format,
        firings,
        o.Alert.StartsAt ?? o.ReceivedAt,
        o.ReceivedAt,
        Labels: o.Alert.Labels,
        Annotations: o.Alert.Annotations,
        Links: o.Alert.Links,
        Service: o.Alert.Service);

    private static string Body(ObserveAlert o, long? previous)
    {
        var body = new StringBuilder();
        body.Append(o.Alert.Description ?? o.Alert.Title).Append("\n\n");
        body.Append(CultureInfo.InvariantCulture, $"Severity: {o.Alert.Severity} ({o.Alert.Classification})\n");
        foreach ((string name, string url) in o.Alert.Links)
        {
            body.Append(CultureInfo.InvariantCulture, $"{name}: {url}\n");
        }

        if (o.Service is { } service)
        {
            if (service.RunBookUrl is { } runBook)
            {
                body.Append(CultureInfo.InvariantCulture, $"Run book ({service.Service}): {runBook}\n");
            }

            if (service.DrCategory is { } dr)
            {
                body.Append(CultureInfo.InvariantCulture, $"DR category ({service.Service}): {dr}\n");
            }
        }

        if (previous is { } p)
        {
            body.Append(CultureInfo.InvariantCulture, $"This alert fired before: see #{p}.\n");
        }

        return body.ToString();
    }
}
