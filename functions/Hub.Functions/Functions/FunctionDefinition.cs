using Hub.Functions.Triggers.Timer;

namespace Hub.Functions.Functions;

/// <summary>
/// One function as declared by <c>&lt;root&gt;/&lt;Name&gt;/function.json</c>, with app-setting references resolved.
/// Queue fields are set for queue triggers, schedule fields for timer triggers.
/// </summary>
public sealed record FunctionDefinition(
    string Name,
    string FilePath,
    TriggerKind Trigger,
    string BindingName,
    bool Disabled)
{
    public string? QueueName { get; init; }

    /// <summary>The app setting holding the storage connection (default AzureWebJobsStorage).</summary>
    public string Connection { get; init; } = "AzureWebJobsStorage";

    public string? ScheduleText { get; init; }

    public TimerSchedule? Schedule { get; init; }

    public bool RunOnStartup { get; init; }
}
