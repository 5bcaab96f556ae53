using Hub.Domain.Configuration;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Connectors;

/// <summary>
/// <c>GET /api/admin/connectors/{name}/check</c> (admin key): asks the connector's system whether what the hub relies on
/// is set up, so an operator learns it after a deploy or an RT change rather than from the first failed sync-back. For
/// RT: the token is accepted, and when the connector syncs releases back (<c>releases.syncBack</c>), the custom field
/// RolloutProgress applies to the release queue (<c>releases.queue</c>). Always 200 with the findings; 404 for a name
/// that is not configured.
/// </summary>
public sealed class ConnectorCheckFunctions(HubConfiguration config, TicketSystemConnectors connectors)
{
    /// <summary>The custom field the release sync-back sets.</summary>
    public const string RolloutProgressField = "RolloutProgress";

    [Function("Connectors_Check")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("Ask a connector's system whether the hub's setup there is complete (RT: token, RolloutProgress on the release queue)")]
    [ProducesResponseType<ConnectorCheck>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> CheckAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/connectors/{name}/check")] HttpRequest request, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (config.Connector(name) is not { } definition || connectors.Find(name) is not { } connector)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown connector",
                detail: $"No connector is named '{name}' (configured: {string.Join(", ", config.Connectors.Select(c => c.Name))}).");
        }

        var checks = new List<string>();
        var problems = new List<string>();
        if (connector is RtConnector rt)
        {
            checks.Add("the RT token is accepted");
            if (await rt.CheckAccessAsync(ct) is { } denied)
            {
                problems.Add(denied);
            }
            else if (config.Releases.SyncBack.Values.Any(list => list.Contains(definition.Name, StringComparer.OrdinalIgnoreCase)))
            {
                checks.Add($"custom field {RolloutProgressField} applies to the RT queue {config.Releases.Queue}");
                if (await rt.CheckCustomFieldAsync(config.Releases.Queue, RolloutProgressField, ct) is { } missing)
                {
                    problems.Add(missing);
                }
            }
        }

        return TypedResults.Ok(new ConnectorCheck(definition.Name, definition.Type.ToString(), problems.Count == 0, checks, problems));
    }
}

/// <summary>What <c>Connectors_Check</c> looked at and what it found wrong.</summary>
public sealed record ConnectorCheck(string Connector, string Type, bool Ok, IReadOnlyList<string> Checked, IReadOnlyList<string> Problems);
