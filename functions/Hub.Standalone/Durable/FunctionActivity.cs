using Hub.Standalone.Discovery;
using Hub.Standalone.Invocation;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone.Durable;

/// <summary>An <c>[ActivityTrigger]</c> function as a Durable Task SDK activity, its class built per call from DI.</summary>
internal sealed class FunctionActivity(FunctionDefinition function, ServiceProviderAccessor accessor) : ITaskActivity
{
    private readonly FunctionInvoker _invoker = new(function);

    public Type InputType => function.TriggerParameter.ParameterType == typeof(TaskActivityContext)
        ? typeof(object)
        : function.TriggerParameter.ParameterType;

    public Type OutputType => _invoker.ResultType == typeof(void) ? typeof(object) : _invoker.ResultType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        await using AsyncServiceScope scope = accessor.Services.CreateAsyncScope();
        object?[] arguments = function.Method.GetParameters().Select(p =>
            function.IsTrigger(p) && p.ParameterType != typeof(TaskActivityContext) ? input
            : p.ParameterType == typeof(TaskActivityContext) ? context
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : DurableClientBinding.Is(p) ? DurableClientBinding.Resolve(scope.ServiceProvider)
            : throw new InvalidOperationException(
                $"Parameter '{p.Name}' of activity '{function.Name}' cannot be bound by the standalone host (keep FunctionContext out).")).ToArray();
        return await _invoker.InvokeAsync(scope.ServiceProvider, arguments).ConfigureAwait(false);
    }
}
