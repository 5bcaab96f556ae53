using System.Reflection;
using System.Runtime.ExceptionServices;
using Hub.Standalone.Discovery;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone.Invocation;

/// <summary>
/// Calls a function method as the isolated worker does: a new instance of its class per invocation, built from the
/// invocation's service scope (constructor injection), and its Task/ValueTask awaited for the result.
/// </summary>
internal sealed class FunctionInvoker
{
    private readonly MethodInfo _method;
    private readonly ObjectFactory? _factory;
    private readonly Func<object, object?>? _unwrap;

    public FunctionInvoker(FunctionDefinition function)
    {
        _method = function.Method;
        _factory = _method.IsStatic ? null : ActivatorUtilities.CreateFactory(_method.DeclaringType!, []);
        Type returns = _method.ReturnType;
        ResultType = returns;
        if (returns.IsGenericType && (returns.GetGenericTypeDefinition() == typeof(Task<>) || returns.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            ResultType = returns.GetGenericArguments()[0];
            PropertyInfo result = returns.GetProperty(nameof(Task<int>.Result))!;
            _unwrap = task => result.GetValue(task);
        }
        else if (returns == typeof(Task) || returns == typeof(ValueTask) || returns == typeof(void))
        {
            ResultType = typeof(void);
        }
    }

    /// <summary>What the function produces once awaited (<c>void</c> for Task, ValueTask and void).</summary>
    public Type ResultType { get; }

    /// <param name="orchestration">
    /// True for an orchestrator: its awaits must resume on the orchestration's own scheduler (no
    /// ConfigureAwait(false)), or the episode ends before the function does and the completion is lost.
    /// </param>
    public async Task<object?> InvokeAsync(IServiceProvider services, object?[] arguments, bool orchestration = false)
    {
        bool anyContext = !orchestration;
        object? target = _factory?.Invoke(services, []);
        try
        {
            object? returned;
            try
            {
                returned = _method.Invoke(target, arguments);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }

            switch (returned)
            {
                case Task task:
                    await task.ConfigureAwait(!anyContext);
                    return _unwrap?.Invoke(task);
                case ValueTask valueTask:
                    await valueTask.ConfigureAwait(!anyContext);
                    return null;
                case not null when _unwrap is not null:
                    // ValueTask<T>: box-free awaiting needs the concrete type, so go through AsTask.
                    var asTask = (Task)returned.GetType().GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
                    await asTask.ConfigureAwait(!anyContext);
                    return asTask.GetType().GetProperty(nameof(Task<int>.Result))!.GetValue(asTask);
                default:
                    return returned;
            }
        }
        finally
        {
            switch (target)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(!anyContext);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }
}
