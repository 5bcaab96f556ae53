using System.Text.Json.Serialization;
using Hub.Domain.Catalog;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Sites;

/// <summary>
/// A site as the hub keeps it: its current definition and version (1 for the first stored, 0 while only
/// <c>config/hub.yaml</c> describes it), and who changed it last and when; every version is an event.
/// </summary>
public sealed record SiteEntryState(Site? Site, int Version, string? ChangedBy, DateTimeOffset? ChangedAt);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RecordSite), "record-site")]
public abstract record SiteEntryCommand(Actor Actor);

/// <summary>Store <paramref name="Site"/> as the site's next version (already checked against the catalog by the caller).</summary>
/// <param name="ExpectedVersion">The version the caller read (its If-Match), or null to store whatever is there.</param>
/// <param name="Seed">The site <c>config/hub.yaml</c> gives, if any: what the first stored version is compared with.</param>
public sealed record RecordSite(Actor Actor, Site Site, int? ExpectedVersion, Site? Seed = null) : SiteEntryCommand(Actor);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SiteRecorded), "site-recorded")]
public abstract record SiteEntryEvent;

/// <param name="Changed">The site's top-level fields that differ from the version before.</param>
public sealed record SiteRecorded(string Actor, DateTimeOffset At, int Version, Site Site, IReadOnlyList<string> Changed) : SiteEntryEvent;

/// <summary>The stored sites, one aggregate per site (id: its name in lower case).</summary>
public sealed class SiteEntryDecider : IDecider<SiteEntryState, SiteEntryCommand, SiteEntryEvent>
{
    public const string AggregateKind = "site";

    /// <summary>The refusal of a stale If-Match; the API answers it 412.</summary>
    public const string Stale = "The site changed since it was read";

    public string Kind => AggregateKind;

    public SiteEntryState Initial => new(null, 0, null, null);

    public static string Id(string site) => (site ?? throw new ArgumentNullException(nameof(site))).ToLowerInvariant();

    public Result<Decision<SiteEntryEvent>> Decide(SiteEntryState state, SiteEntryCommand command, DateTimeOffset now) => command switch
    {
        RecordSite r when r.ExpectedVersion is { } expected && expected != state.Version =>
            Result<Decision<SiteEntryEvent>>.Rejected($"{Stale}: it is at version {state.Version}, not {expected}."),
        RecordSite r when state.Site is not null && !string.Equals(state.Site.Name, r.Site.Name, StringComparison.OrdinalIgnoreCase) =>
            Result<Decision<SiteEntryEvent>>.Rejected($"The record is site '{state.Site.Name}', not '{r.Site.Name}'."),
        RecordSite r => Result<Decision<SiteEntryEvent>>.Ok(Decision<SiteEntryEvent>.Of(
            new SiteRecorded(r.Actor.Name, now, state.Version + 1, r.Site, RecordChanges.Of(state.Site ?? r.Seed, r.Site)))),
        _ => Result<Decision<SiteEntryEvent>>.Rejected($"Unknown site command {command.GetType().Name}."),
    };

    public SiteEntryState Evolve(SiteEntryState state, SiteEntryEvent @event) => @event switch
    {
        SiteRecorded r => new SiteEntryState(r.Site, r.Version, r.Actor, r.At),
        _ => state,
    };

    public Result<SiteEntryCommand> OnTimer(SiteEntryState state, TimerFired timer) => Result<SiteEntryCommand>.Rejected("Sites set no timers.");

    public string? StateName(SiteEntryState state) => state.Site is null ? null : "defined";
}
