using Microsoft.Extensions.Hosting;

namespace Hub.Standalone.Timers;

/// <summary>Runs every timer function's lease-and-schedule loop for the life of the host.</summary>
internal sealed class TimerService(IReadOnlyList<TimerRunner> runners) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(runners.Select(r => Task.Run(() => r.RunAsync(stoppingToken), CancellationToken.None)));
}
