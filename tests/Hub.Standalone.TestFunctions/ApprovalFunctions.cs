using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Hub.Standalone.TestFunctions;

public sealed class ApprovalFunctions(Probe probe)
{
    /// <summary>Greets through an activity, waits on a durable timer, then on the "decision" event.</summary>
    [Function(nameof(Approval))]
    public static async Task<string> Approval([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ApprovalRequest request = context.GetInput<ApprovalRequest>()!;
        string greeting = await context.CallActivityAsync<string>(nameof(Greet), request.Name);
        await context.CreateTimer(TimeSpan.FromSeconds(request.WaitSeconds), CancellationToken.None);
        context.SetCustomStatus("waiting for decision");
        string decision = await context.WaitForExternalEvent<string>("decision");
        return $"{greeting}: {decision}";
    }

    [Function(nameof(Greet))]
    public string Greet([ActivityTrigger] string name)
    {
        probe.Record("greet", name);
        return $"hello {name}";
    }
}
