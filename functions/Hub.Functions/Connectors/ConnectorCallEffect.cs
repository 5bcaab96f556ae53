using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Domain.Connectors;
using Hub.Domain.Durable;
using Hub.Storage.Durable;

namespace Hub.Functions.Connectors;

/// <summary>
/// Performs <c>connector.call</c> side effects and tells the aggregate named in the call's reply how it went, through
/// the same exactly-once path as any aggregate command. A permanent failure is reported once and the outbox row
/// completes; a transient one is reported (<c>willRetry</c>) and thrown, so the row is retried with backoff; once the
/// retries are given up, it is reported once more as permanent (the aggregate records it, a hand-off tells the tier
/// managers).
/// </summary>
/// <remarks>Replies go through <see cref="AggregateCommandEffect"/>, the one place that routes commands to aggregates.</remarks>
public sealed class ConnectorCallEffect(
    TicketSystemConnectors connectors, AggregateCommandEffect commands, TimeProvider clock, ILogger<ConnectorCallEffect> logger) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => ConnectorCall.EffectKind;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ConnectorCall call = ConnectorCall.Parse(context.Payload);
        string callId = context.IdempotencyKey;
        ConnectorException? failure = null;
        string? externalId = null;
        if (call.Problem() is { } problem)
        {
            failure = new ConnectorException($"{call.Connector}: {problem}", transient: false);
        }
        else if (connectors.Find(call.Connector) is not { } connector)
        {
            failure = new ConnectorException($"no connector named '{call.Connector}' is configured", transient: false);
        }
        else
        {
            try
            {
                externalId = await connector.SendAsync(call, callId, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorException e)
            {
                failure = e;
            }
        }

        DateTimeOffset at = clock.GetUtcNow();
        if (failure is null)
        {
            logger.LogInformation("Connector call {CallId}: {Operation} on {Connector} done (external id {ExternalId})", callId, call.Operation, call.Connector, externalId);
            await ReplyAsync(call, callId + "/outcome", new ConnectorOutcome(callId, call.Connector, call.Operation, true, externalId, null, false, at), cancellationToken).ConfigureAwait(false);
            return;
        }

        logger.LogWarning("Connector call {CallId}: {Operation} on {Connector} failed{Retry}: {Error}",
            callId, call.Operation, call.Connector, failure.Transient ? ", will retry" : "", failure.Message);
        var outcome = new ConnectorOutcome(callId, call.Connector, call.Operation, false, call.ExternalId, failure.Message, failure.Transient, at);
        if (!failure.Transient)
        {
            await ReplyAsync(call, callId + "/outcome", outcome, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Reported once per call (the inbox drops later reports), so an outage does not grow the caller's history; the
        // row stays and the sweeper dispatches it again until it succeeds.
        await ReplyAsync(call, $"{callId}/failed", outcome, cancellationToken).ConfigureAwait(false);
        throw failure;
    }

    public async Task GiveUpAsync(SideEffectContext context, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ConnectorCall call = ConnectorCall.Parse(context.Payload);
        string callId = context.IdempotencyKey;
        logger.LogError("Connector call {CallId}: {Operation} on {Connector} given up: {Error}", callId, call.Operation, call.Connector, error);
        var outcome = new ConnectorOutcome(callId, call.Connector, call.Operation, false, call.ExternalId, $"given up after retrying: {error}", false, clock.GetUtcNow());
        await ReplyAsync(call, callId + "/outcome", outcome, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReplyAsync(ConnectorCall call, string messageId, ConnectorOutcome outcome, CancellationToken cancellationToken)
    {
        if (call.Reply is not { } reply)
        {
            return;
        }

        // The discriminator goes first: System.Text.Json reads polymorphic metadata only at the start of an object.
        var command = new JsonObject { ["type"] = reply.Type };
        foreach ((string name, JsonNode? value) in JsonSerializer.SerializeToNode(outcome, Json)!.AsObject())
        {
            command[name] = value?.DeepClone();
        }

        await commands.DeliverAsync(new AggregateCommand(reply.Kind, reply.Id, command.ToJsonString(), reply.Actor), messageId, cancellationToken).ConfigureAwait(false);
    }
}
