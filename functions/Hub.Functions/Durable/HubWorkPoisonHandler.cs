using Hub.Functions.Functions;
using Hub.Storage.Durable;

namespace Hub.Functions.Durable;

/// <summary>
/// The HubWorkPoison queue function: files each message the queue host gave up on, with its last error, where
/// operators list and replay it (<c>/api/admin/poison</c>).
/// </summary>
public sealed class HubWorkPoisonHandler(PoisonStore poison, DurableStorage storage) : IFunctionHandler
{
    public const string FunctionName = "HubWorkPoison";

    public string Name => FunctionName;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        await storage.EnsureAsync(ct);
        PoisonMessage message = await poison.AcceptAsync(invocation.Input ?? "", ct);
        return FunctionResult.WithLogs($"Work message {message.Id} poisoned after {message.DequeueCount} attempts: {message.LastError}");
    }
}
