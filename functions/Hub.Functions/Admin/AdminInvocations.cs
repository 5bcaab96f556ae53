using System.Threading.Channels;
using Hub.Functions.Functions;

namespace Hub.Functions.Admin;

/// <summary>
/// Runs admin-requested invocations after the 202 has been sent, as the Functions host does, and lets shutdown wait
/// for the ones in flight instead of dropping them.
/// </summary>
public sealed class AdminInvocations(FunctionInvoker invoker) : BackgroundService
{
    private readonly Channel<FunctionInvocation> _pending = Channel.CreateUnbounded<FunctionInvocation>();

    public bool TryEnqueue(FunctionInvocation invocation) => _pending.Writer.TryWrite(invocation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (FunctionInvocation invocation in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            // The invoker logs a failure; an admin run has nobody else to report to.
            _ = await invoker.InvokeAsync(invocation, stoppingToken);
        }
    }
}
