using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core.History;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Durable;

/// <summary>
/// Operators' management of the hub's orchestrations through the Durable Task client (the Functions host binds its
/// own, the standalone host its one client): list, inspect with history, raise an event, terminate, restart. Like the
/// poison functions they take the admin key (x-functions-key), checked by the guard. Instance ids contain ':'
/// (<c>timer:&lt;token&gt;</c>, <c>effects:&lt;partition&gt;:&lt;sequence&gt;</c>), sent raw or as %3A: both hosts
/// decode the path before routing.
/// </summary>
public static class OrchestrationFunctions
{
    private const string Root = "api/admin/orchestrations";

    [Function("Orchestrations_List")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("Orchestration instances, filtered by status, instance id prefix and creation time, one page at a time")]
    [ProducesResponseType<OrchestrationList>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    public static async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Root)] HttpRequest request, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (OrchestrationFilter.Read(request, out OrchestrationQuery query) is { } invalid)
        {
            return invalid;
        }

        // Inputs and outputs are fetched (not shown) because a backend that keeps no failure details keeps the error as the output.
        query = query with { FetchInputsAndOutputs = true };
        await foreach (Microsoft.DurableTask.Page<OrchestrationMetadata> page in client.GetAllInstancesAsync(query).AsPages(query.ContinuationToken, query.PageSize).WithCancellation(ct))
        {
            // An empty continuation token is how the backends say "last page".
            return TypedResults.Ok(new OrchestrationList(
                page.Values.Select(OrchestrationView.From).ToList(), string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken));
        }

        return TypedResults.Ok(new OrchestrationList([], null));
    }

    [Function("Orchestrations_Get")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("One orchestration instance with its custom status, input, output and history")]
    [ProducesResponseType<OrchestrationDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public static async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Root + "/{instanceId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string instanceId,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct) is not { } instance)
        {
            return Unknown(instanceId);
        }

        IList<HistoryEvent> history = await client.GetOrchestrationHistoryAsync(instanceId, ct);
        return TypedResults.Ok(OrchestrationDetail.From(instance, history.Select(OrchestrationEvent.From).ToList()));
    }

    [Function("Orchestrations_RaiseEvent")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("Raise an external event, with an optional JSON payload, to a running orchestration")]
    [Accepts(typeof(JsonNode), "application/json")]
    [ProducesResponseType<OrchestrationAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public static async Task<IResult> RaiseEventAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Root + "/{instanceId}/events/{eventName}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string instanceId,
        string eventName,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        JsonBody<JsonNode> payload = await OptionalBodyAsync<JsonNode>(request, ct);
        // The backend accepts an event for any id and drops it unread when nothing runs there: say so instead.
        if ((payload.Problem ?? await NotRunningAsync(client, instanceId, "can no longer receive events", ct)) is { } refused)
        {
            return refused;
        }

        await client.RaiseEventAsync(instanceId, eventName, payload.Value, ct);
        return Accepted(instanceId);
    }

    [Function("Orchestrations_Terminate")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("Terminate a pending, running or suspended orchestration, with an optional reason")]
    [Accepts(typeof(TerminateRequest), "application/json")]
    [ProducesResponseType<OrchestrationAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public static async Task<IResult> TerminateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Root + "/{instanceId}/terminate")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string instanceId,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        JsonBody<TerminateRequest> body = await OptionalBodyAsync<TerminateRequest>(request, ct);
        if ((body.Problem ?? await NotRunningAsync(client, instanceId, "cannot be terminated", ct)) is { } refused)
        {
            return refused;
        }

        await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(body.Value?.Reason), ct);
        return Accepted(instanceId);
    }

    [Function("Orchestrations_Restart")]
    [AdminKeyRequired]
    [Tags("Admin")]
    [EndpointSummary("Start an orchestration again with its original input, under a new instance id unless restartWithNewInstanceId=false")]
    [ProducesResponseType<OrchestrationAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public static async Task<IResult> RestartAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Root + "/{instanceId}/restart")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string instanceId,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        bool newInstanceId = true;
        if (request.Text("restartWithNewInstanceId") is { } flag && !bool.TryParse(flag, out newInstanceId))
        {
            return OrchestrationFilter.Invalid("restartWithNewInstanceId", "boolean", $"restartWithNewInstanceId: must be true or false, not '{flag}'.");
        }

        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct) is not { } instance)
        {
            return Unknown(instanceId);
        }

        // Under its own id an instance can only start again once it has finished; a copy may run beside it.
        if (!newInstanceId && !instance.IsCompleted)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Orchestration still running",
                detail: $"Orchestration '{instanceId}' is {instance.RuntimeStatus}: terminate it before restarting it under the same id, or restart it under a new one.");
        }

        // Started here rather than with the client's RestartAsync: the standalone sidecar's restart starts the copy without
        // tags, and it then cannot describe the instance (GetInstance fails) until it has run.
        string restarted = newInstanceId ? Guid.NewGuid().ToString("N") : instanceId;
        using JsonDocument? input = instance.SerializedInput is { } json ? JsonDocument.Parse(json) : null;
        await client.ScheduleNewOrchestrationInstanceAsync(
            instance.Name, input?.RootElement, new StartOrchestrationOptions(restarted) { Tags = instance.Tags }, ct);
        return Accepted(restarted);
    }

    /// <summary>The path of an instance: its id is one escaped segment (':' as %3A, '/' as %2F).</summary>
    public static string PathOf(string instanceId) => "/" + Root + "/" + Uri.EscapeDataString(instanceId);

    private static Microsoft.AspNetCore.Http.HttpResults.Accepted<OrchestrationAccepted> Accepted(string instanceId) => TypedResults.Accepted(PathOf(instanceId), new OrchestrationAccepted(instanceId));

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unknown(string instanceId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Unknown orchestration", detail: $"No orchestration has instance id '{instanceId}'.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Finished(OrchestrationMetadata instance, string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Orchestration finished",
        detail: $"Orchestration '{instance.InstanceId}' is {instance.RuntimeStatus} and {what}.",
        extensions: new Dictionary<string, object?> { ["runtimeStatus"] = instance.RuntimeStatus.ToString() });

    // A POST without a body (Content-Length 0 or none) takes the defaults; one with a body must be JSON.
    private static async Task<JsonBody<T>> OptionalBodyAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class =>
        request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0
            ? await RequestJson.ReadAsync<T>(request, ct)
            : new JsonBody<T>(default, null);

    /// <summary>The refusal for an instance that does not exist or has finished; null when it runs.</summary>
    private static async Task<IResult?> NotRunningAsync(DurableTaskClient client, string instanceId, string what, CancellationToken ct) =>
        await client.GetInstanceAsync(instanceId, ct) switch
        {
            null => Unknown(instanceId),
            { IsCompleted: true } instance => Finished(instance, what),
            _ => null,
        };
}
