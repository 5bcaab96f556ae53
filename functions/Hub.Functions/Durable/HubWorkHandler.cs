using Hub.Functions.Functions;
using Hub.Storage.Durable;

namespace Hub.Functions.Durable;

/// <summary>The HubWork queue function: one work-queue message (a command or a timer) per invocation.</summary>
public sealed class HubWorkHandler(WorkDispatcher dispatcher, DurableStorage storage) : IFunctionHandler
{
    public const string FunctionName = "HubWork";

    public string Name => FunctionName;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        await storage.EnsureAsync(ct);
        await dispatcher.HandleAsync(invocation.Input ?? "", invocation.DequeueCount, ct);
        return FunctionResult.Empty;
    }
}
