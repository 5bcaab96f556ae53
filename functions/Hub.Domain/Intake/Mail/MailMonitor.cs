using System.Text.Json.Serialization;
using Hub.Domain.Durable;

namespace Hub.Domain.Intake.Mail;

/// <summary>
/// One aggregate per monitoring key (kind "mail-monitor", id = <see cref="MailRouting.MonitoringKey"/>): the ticket
/// the last monitoring mail with this sender and subject opened, so the next one merges into it while it is open.
/// </summary>
public sealed record MailMonitorState(long? Ticket);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MonitoringTicketOpened), "ticket-opened")]
public abstract record MailMonitorCommand;

/// <summary>A monitoring mail opened ticket <paramref name="Number"/> for this key.</summary>
public sealed record MonitoringTicketOpened(long Number) : MailMonitorCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MonitoringTicketRecorded), "ticket-recorded")]
public abstract record MailMonitorEvent;

public sealed record MonitoringTicketRecorded(long Number) : MailMonitorEvent;

public sealed class MailMonitorDecider : IDecider<MailMonitorState, MailMonitorCommand, MailMonitorEvent>
{
    public const string AggregateKind = "mail-monitor";

    public string Kind => AggregateKind;

    public MailMonitorState Initial => new((long?)null);

    public Result<Decision<MailMonitorEvent>> Decide(MailMonitorState state, MailMonitorCommand command, DateTimeOffset now) => command switch
    {
        MonitoringTicketOpened o when state.Ticket == o.Number =>
            Result<Decision<MailMonitorEvent>>.Rejected($"Ticket #{o.Number} is already this key's monitoring ticket."),
        MonitoringTicketOpened o => Result<Decision<MailMonitorEvent>>.Ok(Decision<MailMonitorEvent>.Of(new MonitoringTicketRecorded(o.Number))),
        _ => Result<Decision<MailMonitorEvent>>.Rejected($"Unknown mail monitor command {command.GetType().Name}."),
    };

    public MailMonitorState Evolve(MailMonitorState state, MailMonitorEvent @event) => @event switch
    {
        MonitoringTicketRecorded r => new MailMonitorState(r.Number),
        _ => state,
    };

    public Result<MailMonitorCommand> OnTimer(MailMonitorState state, TimerFired timer) =>
        Result<MailMonitorCommand>.Rejected("Mail monitors set no timers.");

    public string? StateName(MailMonitorState state) => state.Ticket is null ? null : "tracking";
}
