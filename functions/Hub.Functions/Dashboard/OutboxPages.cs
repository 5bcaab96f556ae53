using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Hub.Domain.Configuration;
using Hub.Functions.Durable;
using Hub.Functions.Notifications;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The outbox and failures page (docs/dashboard.md): the newest mails (the same list as <c>GET /api/outbox</c>), the
/// effects that were given up, the poisoned work messages (as <c>GET /api/admin/poison</c>) and the failed
/// orchestrations (as <c>GET /api/admin/orchestrations?status=Failed</c>). An app-admin replays a poison message and
/// restarts a failed orchestration from it, through the admin functions' own code.
/// </summary>
public sealed class OutboxPages(DashboardGuard guard, BlobMailOutbox outbox, PoisonStore poison, AggregateStore store, DurableStorage storage)
{
    /// <summary>How many of each list the page shows, newest first.</summary>
    public const int Shown = 50;

    private const string Path = "/outbox";

    [Function("Dashboard_Outbox")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: sent mail, failed effects, poison messages and failed orchestrations (HTML); without a session, a redirect to /sign-in")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    public async Task<IResult> OutboxAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "outbox")] HttpRequest request, [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        await storage.EnsureAsync(ct);
        Task<IReadOnlyList<OutboxEntry>> mail = OutboxListing.NewestAsync(outbox, Shown, ct);
        Task<IReadOnlyList<FailedEffect>> effects = store.FailedOutboxAsync(Shown, ct);
        Task<(IReadOnlyList<PoisonMessage> Items, string? ContinuationToken)> poisoned = poison.ListAsync(null, Shown, ct);
        Task<IReadOnlyList<OrchestrationView>> failed = FailedOrchestrationsAsync(client, Shown, ct);
        await Task.WhenAll(mail, effects, poisoned, failed);
        return DashboardGuard.Page(OutboxHtml.Page(
            session, await mail, await effects, (await poisoned).Items, await failed, request.Query["notice"].FirstOrDefault()));
    }

    [Function("Dashboard_PoisonReplay")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Put a poison message back on the work queue from the dashboard (app-admin; anti-forgery token required)")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public async Task<IResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "outbox/poison/{id}/replay")] HttpRequest request, string id, CancellationToken ct)
    {
        if (await AdminActionAsync(request, ct) is { } refusal)
        {
            return refusal;
        }

        // The admin API's replay (Poison_Replay), with the dashboard session in place of the admin key.
        IResult answer = await new PoisonFunctions(poison, storage).ReplayAsync(request, id, ct);
        return DashboardGuard.Back(Path, answer is ProblemHttpResult problem
            ? $"Poison message {id}: not replayed: {problem.ProblemDetails.Detail}"
            : $"Poison message {id} replayed: it is back on the work queue.");
    }

    [Function("Dashboard_OrchestrationRestart")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("Start a failed orchestration again with its original input, under a new instance id, from the dashboard (app-admin; anti-forgery token required)")]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    public async Task<IResult> RestartAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "outbox/orchestrations/{instanceId}/restart")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string instanceId,
        CancellationToken ct)
    {
        if (await AdminActionAsync(request, ct) is { } refusal)
        {
            return refusal;
        }

        // The admin API's restart (Orchestrations_Restart): the form has no query, so under a new instance id.
        IResult answer = await OrchestrationFunctions.RestartAsync(request, client, instanceId, ct);
        return DashboardGuard.Back(Path, answer switch
        {
            Accepted<OrchestrationAccepted> { Value: { } accepted } => $"Orchestration {instanceId} restarted as {accepted.InstanceId}.",
            ProblemHttpResult problem => $"Orchestration {instanceId}: not restarted: {problem.ProblemDetails.Detail}",
            _ => $"Orchestration {instanceId}: not restarted.",
        });
    }

    /// <summary>One page of failed orchestrations (as the admin list with <c>status=Failed</c>), the last updated first.</summary>
    public static async Task<IReadOnlyList<OrchestrationView>> FailedOrchestrationsAsync(DurableTaskClient client, int max, CancellationToken ct)
    {
        // Inputs and outputs as the admin list fetches them: a backend without failure details keeps the error as the output.
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Failed], PageSize = max, FetchInputsAndOutputs = true };
        await foreach (Microsoft.DurableTask.Page<OrchestrationMetadata> page in client.GetAllInstancesAsync(query).AsPages(null, max).WithCancellation(ct))
        {
            return [.. page.Values.Select(OrchestrationView.From).OrderByDescending(o => o.LastUpdatedAt).ThenBy(o => o.InstanceId, StringComparer.Ordinal)];
        }

        return [];
    }

    /// <summary>The refusal of a POST without a session or token, or from a caller who is not app-admin; null to go on.</summary>
    private async Task<IResult?> AdminActionAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        DashboardAction action = await guard.ActionAsync(request, ct);
        return action.Refusal
            ?? (OutboxHtml.MayAct(action.Session!) ? null : DashboardGuard.Forbidden("This needs the app-admin role."));
    }
}
