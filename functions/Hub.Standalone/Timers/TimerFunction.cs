using Hub.Standalone.Discovery;

namespace Hub.Standalone.Timers;

/// <summary>A timer function with its schedule resolved from app settings.</summary>
internal sealed record TimerFunction(FunctionDefinition Definition, TimerTrigger Trigger, TimerSchedule Schedule);
