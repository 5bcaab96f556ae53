using System.Text.Json.Serialization;

namespace Hub.Functions.Functions;

/// <summary>
/// The custom-handler response payload (PascalCase, as the host reads it). A non-success status tells the Functions
/// host the invocation failed, so it retries a queue message and finally moves it to the poison queue.
/// https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#response-payload
/// </summary>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue);
