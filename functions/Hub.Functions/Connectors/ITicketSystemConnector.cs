using Hub.Domain.Connectors;

namespace Hub.Functions.Connectors;

/// <summary>An external ticket system reached through one configured connector.</summary>
public interface ITicketSystemConnector
{
    string Name { get; }

    /// <summary>
    /// Performs <paramref name="call"/> (already checked with <see cref="ConnectorCall.Problem"/>), retrying transient
    /// failures with backoff. <paramref name="callId"/> is stable across every retry of the same call.
    /// </summary>
    /// <returns>The external ticket id: the new one for a create, else the one called.</returns>
    /// <exception cref="ConnectorException">The call did not succeed.</exception>
    Task<string> SendAsync(ConnectorCall call, string callId, CancellationToken cancellationToken);
}
