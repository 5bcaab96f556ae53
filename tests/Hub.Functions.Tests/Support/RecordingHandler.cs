using System.Collections.Concurrent;
using Hub.Functions.Functions;

namespace Hub.Functions.Tests.Support;

/// <summary>A test handler that records every invocation and can be told to fail or to return a result.</summary>
internal sealed class RecordingHandler(string name, Func<FunctionInvocation, FunctionResult>? behaviour = null) : IFunctionHandler
{
    private readonly SemaphoreSlim _signal = new(0);

    public string Name => name;

    public ConcurrentQueue<FunctionInvocation> Invocations { get; } = new();

    public Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        Invocations.Enqueue(invocation);
        try
        {
            return Task.FromResult(behaviour?.Invoke(invocation) ?? FunctionResult.Empty);
        }
        finally
        {
            _signal.Release();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> invocations happened in total.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Invocations.Count < count)
        {
            try
            {
                await _signal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"'{name}' was invoked {Invocations.Count} times within {timeout}, expected {count}.");
            }
        }
    }
}
