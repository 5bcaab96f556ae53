using System.Collections.Concurrent;
using Hub.Domain.Configuration;
using Hub.Functions.Outbound;

namespace Hub.Functions.Connectors;

/// <summary>
/// The configured connectors, built on first use. Credentials are read from their app setting on every request, so a
/// rotated token or secret applies without a restart.
/// </summary>
public sealed class TicketSystemConnectors(HubConfiguration config, IConfiguration settings, IHttpClientFactory clients, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ITicketSystemConnector> _connectors = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Base delay of the exponential backoff between attempts. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The connector named <paramref name="name"/>; null when the configuration has none of that name.</summary>
    public ITicketSystemConnector? Find(string name) =>
        config.Connector(name) is { } definition ? _connectors.GetOrAdd(definition.Name, _ => Create(definition)) : null;

    private ITicketSystemConnector Create(ConnectorDefinition definition)
    {
        var http = new ConnectorHttp(definition, clients, OutboundHttp.ConnectorPipeline(definition, RetryDelay, clock), clock);
        string? Secret() => settings[definition.SecretSetting.Replace("__", ":", StringComparison.Ordinal)] is { Length: > 0 } value ? value : null;
        return definition.Type switch
        {
            ConnectorType.Rt => new RtConnector(definition, http, Secret),
            _ => new WebhookConnector(definition, http, Secret, clock),
        };
    }
}
