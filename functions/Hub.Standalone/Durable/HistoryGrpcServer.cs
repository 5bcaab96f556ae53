using System.Runtime.CompilerServices;
using DurableTask.Core;
using DurableTask.Core.History;
using Grpc.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using P = Microsoft.DurableTask.Protobuf;

namespace Hub.Standalone.Durable;

/// <summary>
/// The SDK's sidecar server with a client's history request answered (<c>DurableTaskClient.GetOrchestrationHistoryAsync</c>,
/// which the orchestration management functions call): the 0.2.3 preview streams history only to a worker replaying an
/// oversized episode and sends a client nothing. This reads the history the backend stored, as the Functions host does.
/// </summary>
internal sealed class HistoryGrpcServer : TaskHubGrpcServer
{
    private const int MaxChunkBytes = 256 * 1024;

    // DTFx's Azure Storage backend serializes its history events without type names: the event type picks the class,
    // found as the backend itself finds it.
    private static readonly Dictionary<EventType, Type> EventClasses = HistoryEvent.KnownTypes()
        .ToDictionary(t => ((HistoryEvent)RuntimeHelpers.GetUninitializedObject(t)).EventType);

    private static readonly JsonSerializer Json = JsonSerializer.Create(new JsonSerializerSettings
    {
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
    });

    private readonly IOrchestrationServiceClient _client;

    public HistoryGrpcServer(
        IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory, IOrchestrationService service, IOrchestrationServiceClient client, IOptions<TaskHubGrpcServerOptions> options)
        : base(lifetime, loggerFactory, service, client, options)
    {
        _client = client;
    }

    public override async Task StreamInstanceHistory(P.StreamInstanceHistoryRequest request, IServerStreamWriter<P.HistoryChunk> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (request.ForWorkItemProcessing)
        {
            await base.StreamInstanceHistory(request, responseStream, context).ConfigureAwait(false);
            return;
        }

        string? json = await _client.GetOrchestrationHistoryAsync(request.InstanceId, request.ExecutionId).ConfigureAwait(false);
        JArray events = string.IsNullOrEmpty(json) ? [] : JArray.Parse(json);
        if (events.Count == 0 && await _client.GetOrchestrationStateAsync(request.InstanceId, executionId: null).ConfigureAwait(false) is null)
        {
            // What the SDK client turns into "not found" (an ArgumentException).
            throw new RpcException(new Status(StatusCode.NotFound, $"An orchestration with the instanceId {request.InstanceId} was not found."));
        }

        var chunk = new P.HistoryChunk();
        int size = 0;
        foreach (JObject item in events.Cast<JObject>())
        {
            EventType type = Enum.Parse<EventType>(item.Value<string>(nameof(HistoryEvent.EventType))!);
            var stored = (HistoryEvent)item.ToObject(EventClasses[type], Json)!;
            P.HistoryEvent e = ProtobufUtils.ToHistoryEventProto(stored);
            if (stored is ExecutionCompletedEvent completed && e.ExecutionCompleted is { } end)
            {
                // The preview's conversion calls every ending Completed, a failed or terminated one too.
                end.OrchestrationStatus = (P.OrchestrationStatus)completed.OrchestrationStatus;
            }

            if (size > 0 && size + e.CalculateSize() > MaxChunkBytes)
            {
                await responseStream.WriteAsync(chunk, context.CancellationToken).ConfigureAwait(false);
                chunk = new P.HistoryChunk();
                size = 0;
            }

            chunk.Events.Add(e);
            size += e.CalculateSize();
        }

        if (chunk.Events.Count > 0)
        {
            await responseStream.WriteAsync(chunk, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
