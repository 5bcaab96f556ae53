using System.Collections.Concurrent;
using Hub.Domain.Catalog;
using Hub.Domain.Configuration;
using Hub.Functions.Durable;
using Hub.Storage.Durable;

namespace Hub.Functions.Catalog;

/// <summary>
/// A service as the catalog has it now: its stored record, else <c>config/hub.yaml</c>'s. The API reads storage every
/// time; what the catalog feeds (an alert's ticket) reads through a cache of one minute, so a storm of alerts costs
/// one read per service a minute. A PUT forgets the service here at once; other instances see it within the minute.
/// </summary>
public sealed class ServiceCatalogReader(
    AggregateProcessor<ServiceEntryState, ServiceEntryCommand, ServiceEntryEvent> services, AggregateStore store, HubConfiguration config, TimeProvider clock)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (ServiceEntry? Entry, DateTimeOffset ReadAt)> _recent = new(StringComparer.OrdinalIgnoreCase);

    public async Task<ServiceEntry?> GetAsync(string service, CancellationToken cancellationToken)
    {
        ServiceEntry? entry = (await services.GetAsync(ServiceEntryDecider.Id(service), cancellationToken))?.State is { Record: not null } state ? ServiceEntry.From(state)
            : config.Catalog.Service(service) is { } seed ? ServiceEntry.FromConfig(seed)
            : null;
        _recent[service] = (entry, clock.GetUtcNow());
        return entry;
    }

    /// <summary>Takes <paramref name="stored"/> as the service's current record, as a read would have.</summary>
    public void Remember(ServiceEntry stored) =>
        _recent[(stored ?? throw new ArgumentNullException(nameof(stored))).Record.Name] = (stored, clock.GetUtcNow());

    /// <summary>Every catalogued service: the stored records, and the YAML's for services never stored.</summary>
    public async Task<IReadOnlyList<ServiceEntry>> AllAsync(CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, ServiceEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (ServiceRecord seed in config.Catalog.Services)
        {
            entries[seed.Name] = ServiceEntry.FromConfig(seed);
        }

        await foreach (ServiceEntryState state in StateRows.AllAsync<ServiceEntryState>(store, ServiceEntryDecider.AggregateKind, cancellationToken))
        {
            if (state.Record is { } record)
            {
                entries[record.Name] = ServiceEntry.From(state);
            }
        }

        return [.. entries.Values.OrderBy(e => e.Record.StartupRank ?? int.MaxValue).ThenBy(e => e.Record.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>As <see cref="GetAsync"/>, from what this process read in the last minute when it can.</summary>
    public async Task<ServiceEntry?> GetRecentAsync(string service, CancellationToken cancellationToken) =>
        _recent.TryGetValue(service, out var recent) && clock.GetUtcNow() - recent.ReadAt < Fresh
            ? recent.Entry
            : await GetAsync(service, cancellationToken);

    /// <summary>The facts an alert's or incident's ticket shows, or null for a service the catalog does not know.</summary>
    public async Task<ServiceFacts?> FactsAsync(string? service, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(service) ? null
        : await GetRecentAsync(service, cancellationToken) is { } entry ? ServiceFacts.Of(entry.Record)
        : null;
}
