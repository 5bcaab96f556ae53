using Hub.Domain.Incidents;
using Hub.Functions.Catalog;

namespace Hub.Functions.Incidents;

/// <summary>
/// What the service catalog feeds an incident (docs/incidents.md): the Functions layer reads the service's record
/// before the decision and puts it in the command (run book and DR category when the incident opens, tier managers
/// for a bug report hand-off), so the decider stays pure and the event records what the incident was decided on.
/// Reads go through <see cref="ServiceCatalogReader"/>'s one-minute cache, as the alert intake's do.
/// </summary>
public sealed class IncidentCatalogFeed(ServiceCatalogReader catalog)
{
    /// <summary><paramref name="command"/> with its service's record, when it is one that takes it; any other command as it is.</summary>
    public async Task<IncidentCommand> CompleteAsync(IncidentCommand command, CancellationToken cancellationToken) => command switch
    {
        OpenIncident { Catalog: null, Service: { Length: > 0 } service } open =>
            await catalog.FactsAsync(service, cancellationToken) is { } facts ? open with { Catalog = facts } : open,
        HandOff { Catalog: null, Service: { Length: > 0 } service } handOff =>
            await catalog.FactsAsync(service, cancellationToken) is { } facts ? handOff with { Catalog = facts } : handOff,
        _ => command,
    };
}
