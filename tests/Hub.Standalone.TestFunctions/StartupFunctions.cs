using Microsoft.Azure.Functions.Worker;

namespace Hub.Standalone.TestFunctions;

public sealed class StartupFunctions(Probe probe)
{
    /// <summary>Due once a year, so what fires in a test is the start (or an admin run): records which.</summary>
    [Function("Startup")]
    public void Startup([TimerTrigger("0 0 0 1 1 *", RunOnStartup = true)] TimerInfo timer) =>
        probe.Record("startup", timer.ScheduleStatus is null ? "by-hand" : timer.IsPastDue ? "past-due" : "on-time");
}
