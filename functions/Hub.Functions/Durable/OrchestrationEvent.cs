using System.Text.Json;
using DurableTask.Core.History;

namespace Hub.Functions.Durable;

/// <summary>
/// One event of an orchestration's history, as the Durable Task client streams it: the fields an operator reads
/// (what was scheduled or raised and with what, what came back, when a timer fires). <see cref="TaskScheduledId"/> ties
/// a completion or failure to the <see cref="EventId"/> of the task it answers; <see cref="TimerId"/> a fired timer
/// to its creation.
/// </summary>
public sealed record OrchestrationEvent(
    int EventId,
    string EventType,
    DateTime Timestamp,
    string? Name = null,
    string? InstanceId = null,
    JsonElement? Input = null,
    JsonElement? Result = null,
    DateTime? FireAt = null,
    int? TaskScheduledId = null,
    int? TimerId = null,
    string? Status = null,
    string? Reason = null,
    OrchestrationFailure? Failure = null)
{
    public static OrchestrationEvent From(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var item = new OrchestrationEvent(e.EventId, e.EventType.ToString(), e.Timestamp);
        return e switch
        {
            ExecutionStartedEvent s => item with { Name = s.Name, Input = StoredJson.Parse(s.Input) },
            ExecutionCompletedEvent c => item with
            {
                Status = c.OrchestrationStatus.ToString(), Result = StoredJson.Parse(c.Result), Failure = OrchestrationFailure.From(c.FailureDetails),
            },
            ExecutionTerminatedEvent t => item with { Reason = Text(t.Input) },
            ExecutionSuspendedEvent s => item with { Reason = s.Reason },
            ExecutionResumedEvent r => item with { Reason = r.Reason },
            TaskScheduledEvent t => item with { Name = t.Name, Input = StoredJson.Parse(t.Input) },
            TaskCompletedEvent c => item with { TaskScheduledId = c.TaskScheduledId, Result = StoredJson.Parse(c.Result) },
            TaskFailedEvent f => item with { TaskScheduledId = f.TaskScheduledId, Reason = f.Reason, Failure = OrchestrationFailure.From(f.FailureDetails) },
            SubOrchestrationInstanceCreatedEvent s => item with { Name = s.Name, InstanceId = s.InstanceId, Input = StoredJson.Parse(s.Input) },
            SubOrchestrationInstanceCompletedEvent c => item with { TaskScheduledId = c.TaskScheduledId, Result = StoredJson.Parse(c.Result) },
            SubOrchestrationInstanceFailedEvent f => item with
            {
                TaskScheduledId = f.TaskScheduledId, Reason = f.Reason, Failure = OrchestrationFailure.From(f.FailureDetails),
            },
            TimerCreatedEvent t => item with { FireAt = t.FireAt },
            TimerFiredEvent t => item with { TimerId = t.TimerId, FireAt = t.FireAt },
            EventRaisedEvent r => item with { Name = r.Name, Input = StoredJson.Parse(r.Input) },
            EventSentEvent s => item with { Name = s.Name, InstanceId = s.InstanceId, Input = StoredJson.Parse(s.Input) },
            _ => item,
        };
    }

    // A terminate's reason is stored as its JSON-serialized output: a reason given as a string reads as that string.
    private static string? Text(string? serialized) =>
        StoredJson.Parse(serialized) is { } json ? json.ValueKind == JsonValueKind.String ? json.GetString() : json.GetRawText() : null;
}
