using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Durable;

/// <summary>
/// An orchestration instance as operators read it: its runtime status by name, its custom status and, when it
/// failed, why. Custom status, input and output are the JSON the orchestration stored.
/// </summary>
public sealed record OrchestrationView(
    string InstanceId,
    string Name,
    string RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    JsonElement? CustomStatus,
    OrchestrationFailure? Failure)
{
    public static OrchestrationView From(OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new OrchestrationView(
            instance.InstanceId,
            instance.Name,
            instance.RuntimeStatus.ToString(),
            instance.CreatedAt,
            instance.LastUpdatedAt,
            StoredJson.Parse(instance.SerializedCustomStatus),
            OrchestrationFailure.From(instance.FailureDetails) ?? OrchestrationFailure.FromOutput(instance));
    }
}

/// <summary>One instance in full: <see cref="OrchestrationView"/> with its input, output and history (oldest first).</summary>
public sealed record OrchestrationDetail(
    string InstanceId,
    string Name,
    string RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    JsonElement? CustomStatus,
    OrchestrationFailure? Failure,
    JsonElement? Input,
    JsonElement? Output,
    IReadOnlyList<OrchestrationEvent>? History)
{
    public static OrchestrationDetail From(OrchestrationMetadata instance, IReadOnlyList<OrchestrationEvent>? history)
    {
        OrchestrationView view = OrchestrationView.From(instance);
        return new OrchestrationDetail(
            view.InstanceId, view.Name, view.RuntimeStatus, view.CreatedAt, view.LastUpdatedAt, view.CustomStatus, view.Failure,
            StoredJson.Parse(instance.SerializedInput), StoredJson.Parse(instance.SerializedOutput), history);
    }
}

/// <summary>
/// Why an orchestration, activity or sub-orchestration failed, innermost cause last. <see cref="ErrorType"/> is null
/// when the backend kept only the message (see <see cref="FromOutput"/>).
/// </summary>
public sealed record OrchestrationFailure(string? ErrorType, string ErrorMessage, string? StackTrace, OrchestrationFailure? Inner)
{
    /// <summary>
    /// A failed instance whose backend kept no failure details, only the error message as its output: the standalone
    /// host's sidecar (InProcessTestHost 0.2.3) drops them before DTFx stores the instance.
    /// </summary>
    public static OrchestrationFailure? FromOutput(OrchestrationMetadata instance) =>
        instance is { RuntimeStatus: OrchestrationRuntimeStatus.Failed, SerializedOutput: { } output }
            ? new(null, StoredJson.Parse(output) is { ValueKind: JsonValueKind.String } text ? text.GetString()! : output, null, null)
            : null;

    public static OrchestrationFailure? From(TaskFailureDetails? failure) =>
        failure is null ? null : new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, From(failure.InnerFailure));

    public static OrchestrationFailure? From(global::DurableTask.Core.FailureDetails? failure) =>
        failure is null ? null : new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, From(failure.InnerFailure));
}

/// <summary>One page of instances; <see cref="Continuation"/> (null on the last page) fetches the next.</summary>
public sealed record OrchestrationList(IReadOnlyList<OrchestrationView> Items, string? Continuation);

/// <summary>The instance a terminate, event or restart was accepted for.</summary>
public sealed record OrchestrationAccepted(string InstanceId);

/// <summary>The optional body of a terminate: why, recorded as the instance's output.</summary>
public sealed record TerminateRequest(string? Reason);

/// <summary>JSON the Durable Task data converter stored, as a JSON value; text that is not JSON is kept as a string.</summary>
internal static class StoredJson
{
    public static JsonElement? Parse(string? serialized)
    {
        if (serialized is null)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(serialized);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(serialized);
        }
    }
}
