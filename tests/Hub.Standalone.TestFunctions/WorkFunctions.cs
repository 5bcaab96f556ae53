using Microsoft.Azure.Functions.Worker;

namespace Hub.Standalone.TestFunctions;

public sealed class WorkFunctions(Probe probe)
{
    [Function("Work")]
    public void Work([QueueTrigger("%WorkQueue%")] WorkItem item)
    {
        probe.Record("work-attempt", item.Id);
        if (item.Fail)
        {
            throw new InvalidOperationException($"Work item {item.Id} is meant to fail.");
        }

        probe.Record("work-done", item.Id);
    }
}
