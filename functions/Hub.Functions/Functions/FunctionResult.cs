namespace Hub.Functions.Functions;

/// <summary>
/// What a handler returns: output binding values by binding name, an optional return value, and log lines that the
/// custom-handler response carries back to the Functions host.
/// </summary>
public sealed record FunctionResult(
    IReadOnlyDictionary<string, object?> Outputs,
    object? ReturnValue,
    IReadOnlyList<string> Logs)
{
    public static FunctionResult Empty { get; } = new(new Dictionary<string, object?>(), null, []);

    public static FunctionResult WithLogs(params string[] logs) => new(new Dictionary<string, object?>(), null, logs);
}
