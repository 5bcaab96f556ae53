using Hub.Functions.Functions;
using Hub.Storage.Durable;

namespace Hub.Functions.Durable;

/// <summary>The OutboxSweep timer function: completes side effects that a crash left behind after their commit.</summary>
public sealed class OutboxSweepHandler(OutboxDispatcher outbox, DurableStorage storage) : IFunctionHandler
{
    public const string FunctionName = "OutboxSweep";

    public string Name => FunctionName;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        int swept = await outbox.SweepAsync(OutboxDispatcher.DefaultSweepAge, ct);
        return FunctionResult.WithLogs($"Outbox sweep completed {swept} left-behind side effects.");
    }
}
