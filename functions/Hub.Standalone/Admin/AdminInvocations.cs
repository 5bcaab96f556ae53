using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Standalone.Admin;

/// <summary>
/// Runs admin-requested invocations after the 202 has been sent, as the Functions host does, each on its own, and
/// lets shutdown wait for the ones in flight (until the host's shutdown timeout cancels them) instead of dropping them.
/// </summary>
internal sealed class AdminInvocations(ILogger<AdminInvocations> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abandon = new();
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();
    private bool _stopped;

    /// <summary>Starts <paramref name="run"/> in the background; false once the host is stopping.</summary>
    public bool TryStart(string function, Func<CancellationToken, Task> run)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return false;
            }

            Task task = Task.Run(() => RunAsync(function, run), CancellationToken.None);
            _running.Add(task);
            _ = task.ContinueWith(t => { lock (_gate) { _running.Remove(t); } }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return true;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (_gate)
        {
            _stopped = true;
            running = [.. _running];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _abandon.Dispose();

    private async Task RunAsync(string function, Func<CancellationToken, Task> run)
    {
        try
        {
            await run(_abandon.Token).ConfigureAwait(false);
            logger.LogInformation("Admin run of {Function} completed.", function);
        }
        catch (Exception e) when (!(e is OperationCanceledException && _abandon.IsCancellationRequested))
        {
            // Nobody waits for an admin run's outcome: the log is where it is reported.
            logger.LogError(e, "Admin run of {Function} failed.", function);
        }
    }
}
