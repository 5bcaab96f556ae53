using System.Globalization;

namespace Hub.Functions.Functions;

/// <summary>
/// One invocation of a function. <see cref="Input"/> is the queue message text (or the admin endpoint's input);
/// <see cref="Timer"/> is set for timer triggers. <see cref="Metadata"/> carries the trigger metadata by the names the
/// Functions host uses (DequeueCount, Id, PopReceipt, InsertionTime, ExpirationTime, NextVisibleTime, sys.MethodName,
/// sys.UtcNow, sys.RandGuid).
/// </summary>
public sealed record FunctionInvocation(
    string FunctionName,
    TriggerKind Trigger,
    string BindingName,
    string? Input,
    TimerInfo? Timer,
    IReadOnlyDictionary<string, string> Metadata,
    InvocationSource Source)
{
    public string InvocationId { get; init; } = Guid.NewGuid().ToString();

    /// <summary>How many times the queue message has been received, including this time; 1 for other triggers.</summary>
    public long DequeueCount =>
        Metadata.TryGetValue("DequeueCount", out string? count) && long.TryParse(count, CultureInfo.InvariantCulture, out long n) ? n : 1;
}
