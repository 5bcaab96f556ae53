using Microsoft.Extensions.Hosting;

namespace Hub.Standalone.Queues;

/// <summary>Runs every queue function's listener for the life of the host.</summary>
internal sealed class QueueService(IReadOnlyList<QueueListener> listeners) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(listeners.Select(l => Task.Run(() => l.RunAsync(stoppingToken), CancellationToken.None)));

    public override void Dispose()
    {
        foreach (QueueListener listener in listeners)
        {
            listener.Dispose();
        }

        base.Dispose();
    }
}
