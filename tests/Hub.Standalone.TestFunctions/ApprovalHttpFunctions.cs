using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hub.Standalone.TestFunctions;

/// <summary>Starts and decides approvals over HTTP, so a test can drive a host in another process.</summary>
public static class ApprovalHttpFunctions
{
    [Function("Approvals_Start")]
    public static async Task<IResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/{name}")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        int wait = int.TryParse(request.Query["wait"], out int seconds) ? seconds : 1;
        string id = await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ApprovalFunctions.Approval), new ApprovalRequest(name, wait), new StartOrchestrationOptions($"approval-{name}"), cancellationToken);
        return Results.Accepted($"/api/approvals/{name}", new { id });
    }
}
