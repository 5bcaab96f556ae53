namespace Hub.Standalone.Discovery;

/// <summary>A trigger as declared on a function; <see cref="Type"/> is the binding type functions.metadata uses.</summary>
public abstract record Trigger(string Type);

public sealed record HttpTrigger(IReadOnlyList<string> Methods, string? Route) : Trigger("httpTrigger");

public sealed record TimerTrigger(string Schedule, bool RunOnStartup, bool UseMonitor) : Trigger("timerTrigger");

public sealed record QueueTrigger(string QueueName, string? Connection) : Trigger("queueTrigger");

public sealed record OrchestrationTrigger() : Trigger("orchestrationTrigger");

public sealed record ActivityTrigger() : Trigger("activityTrigger");
