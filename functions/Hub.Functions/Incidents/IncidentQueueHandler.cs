using System.Text.Json;
using Hub.Domain.Incidents;
using Hub.Storage.Durable;

namespace Hub.Functions.Incidents;

/// <summary>
/// Routes queued incident commands (an Urgent ticket's <see cref="OpenIncident"/>, connector outcomes) and timers to
/// the incident processor, completing each command with its service's catalog record first
/// (<see cref="IncidentCatalogFeed"/>). A redelivered message reads the catalog again, but its inbox row makes it a
/// no-op: the record an incident opened with is the one in its <see cref="IncidentOpened"/> event.
/// </summary>
public sealed class IncidentQueueHandler(
    AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent> incidents, IncidentCatalogFeed feed) : IAggregateHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => incidents.Kind;

    public string PartitionOf(string aggregateId) => incidents.PartitionOf(aggregateId);

    public async Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken) =>
        await incidents.HandleJsonAsync(aggregateId, messageId, await CompleteAsync(commandJson, cancellationToken), actor, cancellationToken);

    public async Task<CommandStatus> HandleNewJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken) =>
        await incidents.HandleNewJsonAsync(aggregateId, messageId, await CompleteAsync(commandJson, cancellationToken), actor, cancellationToken);

    public async Task<CommandReport> HandleJsonReportingAsync(
        string aggregateId, string messageId, string commandJson, string actor, bool creates, CancellationToken cancellationToken) =>
        await incidents.HandleJsonReportingAsync(aggregateId, messageId, await CompleteAsync(commandJson, cancellationToken), actor, creates, cancellationToken);

    public Task<CommandStatus> FireTimerAsync(AggregateTimer timer, CancellationToken cancellationToken) => incidents.FireTimerAsync(timer, cancellationToken);

    private async Task<string> CompleteAsync(string commandJson, CancellationToken cancellationToken)
    {
        IncidentCommand command = JsonSerializer.Deserialize<IncidentCommand>(commandJson, Json)
            ?? throw new FormatException("The incident command is null.");
        IncidentCommand completed = await feed.CompleteAsync(command, cancellationToken);
        return ReferenceEquals(completed, command) ? commandJson : JsonSerializer.Serialize(completed, Json);
    }
}
