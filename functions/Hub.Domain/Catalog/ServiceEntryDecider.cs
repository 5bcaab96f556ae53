using System.Text.Json.Serialization;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Catalog;

/// <summary>
/// A catalogued service as the hub keeps it: the current record, its version (1 for the first record stored, 0 while
/// only <c>config/hub.yaml</c> describes it), and who changed it last and when. Every version is an event, so the
/// service's history says who changed which fields when.
/// </summary>
public sealed record ServiceEntryState(ServiceRecord? Record, int Version, string? ChangedBy, DateTimeOffset? ChangedAt);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RecordService), "record-service")]
public abstract record ServiceEntryCommand(Actor Actor);

/// <summary>Store <paramref name="Record"/> as the service's next version.</summary>
/// <param name="ExpectedVersion">The version the caller read (its If-Match), or null to store whatever is there.</param>
/// <param name="Seed">The record <c>config/hub.yaml</c> gives, if any: what the first stored version is compared with.</param>
public sealed record RecordService(Actor Actor, ServiceRecord Record, int? ExpectedVersion, ServiceRecord? Seed = null) : ServiceEntryCommand(Actor);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ServiceRecorded), "service-recorded")]
public abstract record ServiceEntryEvent;

/// <param name="Changed">The record's top-level fields that differ from the version before (every field set, for the first).</param>
public sealed record ServiceRecorded(string Actor, DateTimeOffset At, int Version, ServiceRecord Record, IReadOnlyList<string> Changed) : ServiceEntryEvent;

/// <summary>The service records of the catalog, one aggregate per service (id: its name in lower case).</summary>
public sealed class ServiceEntryDecider : IDecider<ServiceEntryState, ServiceEntryCommand, ServiceEntryEvent>
{
    public const string AggregateKind = "service";

    /// <summary>The refusal of a stale If-Match; the API answers it 412.</summary>
    public const string Stale = "The service record changed since it was read";

    public string Kind => AggregateKind;

    public ServiceEntryState Initial => new(null, 0, null, null);

    /// <summary>The aggregate id of a service: names compare case-insensitively.</summary>
    public static string Id(string service) => (service ?? throw new ArgumentNullException(nameof(service))).ToLowerInvariant();

    public Result<Decision<ServiceEntryEvent>> Decide(ServiceEntryState state, ServiceEntryCommand command, DateTimeOffset now) => command switch
    {
        RecordService r when r.ExpectedVersion is { } expected && expected != state.Version =>
            Result<Decision<ServiceEntryEvent>>.Rejected($"{Stale}: it is at version {state.Version}, not {expected}."),
        RecordService r when ServiceValidator.Validate(r.Record) is { Count: > 0 } problems =>
            Result<Decision<ServiceEntryEvent>>.Rejected(string.Join(" ", problems.Select(p => p.Message))),
        RecordService r when state.Record is not null && !string.Equals(state.Record.Name, r.Record.Name, StringComparison.OrdinalIgnoreCase) =>
            Result<Decision<ServiceEntryEvent>>.Rejected($"The record is service '{state.Record.Name}', not '{r.Record.Name}'."),
        RecordService r => Result<Decision<ServiceEntryEvent>>.Ok(Decision<ServiceEntryEvent>.Of(
            new ServiceRecorded(r.Actor.Name, now, state.Version + 1, r.Record, Changed(state.Record ?? r.Seed, r.Record)))),
        _ => Result<Decision<ServiceEntryEvent>>.Rejected($"Unknown catalog command {command.GetType().Name}."),
    };

    public ServiceEntryState Evolve(ServiceEntryState state, ServiceEntryEvent @event) => @event switch
    {
        ServiceRecorded r => new ServiceEntryState(r.Record, r.Version, r.Actor, r.At),
        _ => state,
    };

    public Result<ServiceEntryCommand> OnTimer(ServiceEntryState state, TimerFired timer) =>
        Result<ServiceEntryCommand>.Rejected("Service records set no timers.");

    public string? StateName(ServiceEntryState state) => state.Record is null ? null : "catalogued";

    /// <summary>The top-level fields that differ between two service records (<see cref="RecordChanges.Of{T}"/>).</summary>
    public static IReadOnlyList<string> Changed(ServiceRecord? before, ServiceRecord next) => RecordChanges.Of(before, next);
}
