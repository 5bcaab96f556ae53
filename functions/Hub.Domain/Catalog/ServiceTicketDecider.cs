using System.Globalization;
using System.Text.Json.Serialization;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Catalog;

/// <summary>The ticket the hub last opened for a service's failures (a failed site run): commented on while it is open.</summary>
public sealed record ServiceTicketState(long? Ticket);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(OpenServiceTicket), "open-service-ticket")]
public abstract record ServiceTicketCommand;

/// <summary>Open a ticket for <paramref name="Request"/> (the caller found no open one), for <paramref name="Owners"/>.</summary>
/// <param name="CandidateNumber">The ticket number to use (0: none reserved yet).</param>
public sealed record OpenServiceTicket(ServiceTicketRequest Request, IReadOnlyList<string> Owners, long CandidateNumber) : ServiceTicketCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ServiceTicketOpened), "ticket-opened")]
public abstract record ServiceTicketEvent;

public sealed record ServiceTicketOpened(long Number, string Key, DateTimeOffset At) : ServiceTicketEvent;

/// <summary>
/// One aggregate per service (id: its name in lower case) that remembers the ticket its failures were last reported
/// on, so a failure while that ticket is open is a comment on it and a failure after it was resolved opens a new one.
/// </summary>
public sealed class ServiceTicketDecider : IDecider<ServiceTicketState, ServiceTicketCommand, ServiceTicketEvent>
{
    public const string AggregateKind = "service-ticket";

    /// <summary>The refusal that asks the caller to reserve a ticket number and try again.</summary>
    public const string NeedsNumber = "A ticket is needed for this service and no ticket number was reserved.";

    public static readonly Actor Actor = new("hub:sites", Role.AppAdmin);

    public string Kind => AggregateKind;

    public ServiceTicketState Initial => new((long?)null);

    public static string Id(string service) => (service ?? throw new ArgumentNullException(nameof(service))).ToLowerInvariant();

    public Result<Decision<ServiceTicketEvent>> Decide(ServiceTicketState state, ServiceTicketCommand command, DateTimeOffset now) => command switch
    {
        OpenServiceTicket { CandidateNumber: <= 0 } => Result<Decision<ServiceTicketEvent>>.Rejected(NeedsNumber),
        OpenServiceTicket o => Result<Decision<ServiceTicketEvent>>.Ok(new Decision<ServiceTicketEvent>(
            [new ServiceTicketOpened(o.CandidateNumber, o.Request.Key, now)],
            [AggregateCommand.Create<TicketCommand>(
                TicketDecider.AggregateKind,
                o.CandidateNumber.ToString(CultureInfo.InvariantCulture),
                new CreateTicket(Actor, o.CandidateNumber, o.Request.Queue, o.Request.Subject, o.Request.Body, Requestors: o.Owners, Source: "catalog:" + o.Request.Service),
                Actor.Name)])),
        _ => Result<Decision<ServiceTicketEvent>>.Rejected($"Unknown service ticket command {command.GetType().Name}."),
    };

    public ServiceTicketState Evolve(ServiceTicketState state, ServiceTicketEvent @event) => @event switch
    {
        ServiceTicketOpened o => new ServiceTicketState(o.Number),
        _ => state,
    };

    public Result<ServiceTicketCommand> OnTimer(ServiceTicketState state, TimerFired timer) =>
        Result<ServiceTicketCommand>.Rejected("Service tickets set no timers.");

    public string? StateName(ServiceTicketState state) => state.Ticket is null ? null : "ticketed";
}
