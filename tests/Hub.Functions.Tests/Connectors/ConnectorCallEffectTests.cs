using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Domain.Configuration;
using Hub.Domain.Connectors;
using Hub.Domain.Durable;
using Hub.Functions.Connectors;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Functions.Tests.Connectors;

public sealed class ConnectorCallEffectTests : IAsyncLifetime
{
    private static readonly ConnectorReply Reply = new("probe", "r-1", "connector-outcome", "hub");
    private readonly RecordingAggregate _probe = new();
    private FakeRt _rt = null!;

    public async Task InitializeAsync() => _rt = await FakeRt.StartAsync();

    public async Task DisposeAsync() => await _rt.DisposeAsync();

    [Fact]
    public async Task Execute_Success_CallsRtAndRepliesOnceWithTheExternalId()
    {
        SideEffect effect = ConnectorCall.Effect(new ConnectorCall("rt", ConnectorCall.Create, Queue: "Team-A", Subject: "Hand-off", Reply: Reply));

        await Effect().ExecuteAsync(new SideEffectContext("incident~9", "outbox-3", effect.Kind, effect.Payload, new Hub.Testing.RecordingStarter(), DateTimeOffset.UnixEpoch), CancellationToken.None);

        RtTicket ticket = Assert.Single(_rt.Tickets);
        (string id, string messageId, ProbeCommand command) = Assert.Single(_probe.Received);
        Assert.Equal(("r-1", "incident~9/outbox-3/outcome"), (id, messageId));
        var outcome = Assert.IsType<ProbeOutcome>(command);
        Assert.Equal(("incident~9/outbox-3", "rt", "create", true, ticket.Id, null, false), (outcome.CallId, outcome.Connector, outcome.Operation, outcome.Succeeded, outcome.ExternalId, outcome.Error, outcome.WillRetry));
    }

    [Fact]
    public async Task Execute_RefusedByRt_RepliesAPermanentFailureAndCompletes()
    {
        SideEffect effect = ConnectorCall.Effect(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: "404", Status: "resolved", Reply: Reply));

        await Effect().ExecuteAsync(new SideEffectContext("release~1", "outbox-1", effect.Kind, effect.Payload, new Hub.Testing.RecordingStarter(), DateTimeOffset.UnixEpoch), CancellationToken.None);

        var outcome = Assert.IsType<ProbeOutcome>(Assert.Single(_probe.Received).Command);
        Assert.False(outcome.Succeeded);
        Assert.False(outcome.WillRetry);
        Assert.Equal("404", outcome.ExternalId);
        Assert.Contains("answered 404: Resource does not exist", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_RtUnavailable_RepliesTheFailureOnceAndThrowsSoTheRowStays()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release");
        _rt.FailNext(503, times: 2);
        SideEffect effect = ConnectorCall.Effect(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: ticket.Id, Status: "resolved", Reply: Reply));
        ConnectorCallEffect handler = Effect(maxRetries: 0);
        var context = new SideEffectContext("release~1", "outbox-2", effect.Kind, effect.Payload, new Hub.Testing.RecordingStarter(), DateTimeOffset.UnixEpoch);

        await Assert.ThrowsAsync<ConnectorException>(() => handler.ExecuteAsync(context, CancellationToken.None));
        await Assert.ThrowsAsync<ConnectorException>(() => handler.ExecuteAsync(context, CancellationToken.None));
        await handler.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal("resolved", ticket.Status);
        Assert.Equal([true, true, false], _probe.Received.Select(r => ((ProbeOutcome)r.Command).WillRetry));
        Assert.Equal([false, false, true], _probe.Received.Select(r => ((ProbeOutcome)r.Command).Succeeded));
        // One failure report per call: the aggregate's inbox drops the repeat, so an outage does not grow its history.
        Assert.Equal(["release~1/outbox-2/failed", "release~1/outbox-2/failed", "release~1/outbox-2/outcome"], _probe.Received.Select(r => r.MessageId));
    }

    [Theory]
    [InlineData("jira", "update", "7", "no connector named 'jira' is configured")]
    [InlineData("rt", "delete", "7", "rt: 'delete' is not one of: create, update, comment")]
    [InlineData("rt", "comment", null, "rt: a comment needs the external ticket id")]
    [InlineData("rt", "update", "7", "rt: an update needs a status or custom fields")]
    public async Task Execute_CallThatCannotBeMade_RepliesAPermanentFailureWithoutCallingAnything(string connector, string operation, string? externalId, string error)
    {
        string? status = error.Contains("status or custom", StringComparison.Ordinal) ? null : "open";
        SideEffect effect = ConnectorCall.Effect(new ConnectorCall(connector, operation, ExternalId: externalId, Text: "x", Status: status, Reply: Reply));

        await Effect().ExecuteAsync(new SideEffectContext("release~1", "outbox-4", effect.Kind, effect.Payload, new Hub.Testing.RecordingStarter(), DateTimeOffset.UnixEpoch), CancellationToken.None);

        var outcome = Assert.IsType<ProbeOutcome>(Assert.Single(_probe.Received).Command);
        Assert.Equal((false, false, error), (outcome.Succeeded, outcome.WillRetry, outcome.Error));
        Assert.Empty(_rt.Requests);
    }

    [Fact]
    public async Task Execute_WithoutReply_StillCalls()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release");
        SideEffect effect = ConnectorCall.Effect(new ConnectorCall("rt", ConnectorCall.CommentOperation, ExternalId: ticket.Id, Text: "done"));

        await Effect().ExecuteAsync(new SideEffectContext("release~1", "outbox-5", effect.Kind, effect.Payload, new Hub.Testing.RecordingStarter(), DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.Equal(["done"], ticket.Comments);
        Assert.Empty(_probe.Received);
    }

    private ConnectorCallEffect Effect(int maxRetries = 2)
    {
        var definition = new ConnectorDefinition("rt", ConnectorType.Rt, _rt.BaseAddress, "Hub__Connectors__RtToken", TimeSpan.FromSeconds(10), maxRetries);
        var connectors = new TicketSystemConnectors(RtConnectorTests.Config(definition), RtConnectorTests.Settings(FakeRt.Token), RtConnectorTests.Clients(), TimeProvider.System)
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
        };
        return new ConnectorCallEffect(connectors, new AggregateCommandEffect(() => [_probe]), TimeProvider.System, NullLogger<ConnectorCallEffect>.Instance);
    }

    /// <summary>A command hierarchy as an aggregate declares it: the reply must deserialize into its outcome record.</summary>
    [JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
    [JsonDerivedType(typeof(ProbeOutcome), "connector-outcome")]
    private abstract record ProbeCommand;

    private sealed record ProbeOutcome(
        string CallId, string Connector, string Operation, bool Succeeded, string? ExternalId, string? Error, bool WillRetry, DateTimeOffset At) : ProbeCommand;

    private sealed class RecordingAggregate : IAggregateHandler
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        public List<(string Id, string MessageId, ProbeCommand Command)> Received { get; } = [];

        public string Kind => "probe";

        public Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken)
        {
            Received.Add((aggregateId, messageId, JsonSerializer.Deserialize<ProbeCommand>(commandJson, Json)!));
            return Task.FromResult(CommandStatus.Applied);
        }
    }
}
