namespace Hub.Functions.Functions;

/// <summary>
/// The one place a handler is called, whoever triggered it: logs the invocation once and turns a handler's exception
/// into a failed outcome that the caller maps to its retry rule (500 to the Functions host, a queue retry, ...).
/// </summary>
public sealed class FunctionInvoker(IEnumerable<IFunctionHandler> handlers, TimeProvider clock, ILogger<FunctionInvoker> logger)
{
    private readonly Dictionary<string, IFunctionHandler> _handlers = handlers.ToDictionary(h => h.Name, StringComparer.OrdinalIgnoreCase);

    public bool HasHandler(string functionName) => _handlers.ContainsKey(functionName);

    public async Task<InvocationOutcome> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (!_handlers.TryGetValue(invocation.FunctionName, out IFunctionHandler? handler))
        {
            // The catalog verified this at start; reaching here means a name that is not in function.json.
            throw new InvalidOperationException($"No handler is registered for function '{invocation.FunctionName}'.");
        }

        long started = clock.GetTimestamp();
        using IDisposable? scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["FunctionName"] = invocation.FunctionName,
            ["InvocationId"] = invocation.InvocationId,
        });
        try
        {
            FunctionResult result = await handler.InvokeAsync(invocation, ct);
            logger.LogInformation(
                "Executed '{FunctionName}' ({Source}, {Trigger}) in {ElapsedMs:F0} ms",
                invocation.FunctionName, invocation.Source, invocation.Trigger, clock.GetElapsedTime(started).TotalMilliseconds);
            return new InvocationOutcome(result, null);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            logger.LogError(
                ex, "Function '{FunctionName}' ({Source}, {Trigger}) failed after {ElapsedMs:F0} ms (dequeue count {DequeueCount})",
                invocation.FunctionName, invocation.Source, invocation.Trigger, clock.GetElapsedTime(started).TotalMilliseconds, invocation.DequeueCount);
            return new InvocationOutcome(null, ex);
        }
    }
}
