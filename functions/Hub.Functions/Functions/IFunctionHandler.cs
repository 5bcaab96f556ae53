namespace Hub.Functions.Functions;

/// <summary>
/// Runs one non-HTTP function (queue, timer) named by its <c>function.json</c> folder. The same handler is invoked by
/// the Azure Functions host (custom-handler mode) and by the hub's own trigger runners (standalone mode).
/// Throwing fails the invocation: a queue message is then retried and eventually poisoned.
/// </summary>
public interface IFunctionHandler
{
    /// <summary>The function name, i.e. the folder name of its function.json (compared case-insensitively).</summary>
    string Name { get; }

    Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct);
}
