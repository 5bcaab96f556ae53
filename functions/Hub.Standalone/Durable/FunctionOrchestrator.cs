using System.Text.Json;
using Hub.Standalone.Discovery;
using Hub.Standalone.Invocation;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace Hub.Standalone.Durable;

/// <summary>An <c>[OrchestrationTrigger]</c> function as a Durable Task SDK orchestrator.</summary>
internal sealed class FunctionOrchestrator(FunctionDefinition function, ServiceProviderAccessor accessor) : ITaskOrchestrator
{
    private readonly FunctionInvoker _invoker = new(function);

    public Type InputType => typeof(JsonElement?);

    public Type OutputType => _invoker.ResultType == typeof(void) ? typeof(object) : _invoker.ResultType;

    public Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var wrapped = new JsonInputOrchestrationContext(context, input as JsonElement?, JsonDataConverter.Default);
        object?[] arguments = function.Method.GetParameters()
            .Select(p => p.ParameterType == typeof(TaskOrchestrationContext) ? wrapped : (object?)null)
            .ToArray();
        return _invoker.InvokeAsync(accessor.Services, arguments, orchestration: true);
    }

    public static void Validate(FunctionDefinition function)
    {
        if (function.TriggerParameter.ParameterType != typeof(TaskOrchestrationContext)
            || function.Method.GetParameters().Length != 1)
        {
            throw new InvalidOperationException(
                $"Orchestrator '{function.Name}' must take exactly one [OrchestrationTrigger] TaskOrchestrationContext (read its input with GetInput<T>).");
        }
    }
}
