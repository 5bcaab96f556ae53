using System.Globalization;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Standalone.TestFunctions;

public sealed class TickFunctions(Probe probe)
{
    [Function("Tick")]
    public void Tick([TimerTrigger("%TickSchedule%")] TimerInfo timer) =>
        probe.Record("tick", timer.ScheduleStatus!.Last.ToString("O", CultureInfo.InvariantCulture));
}
