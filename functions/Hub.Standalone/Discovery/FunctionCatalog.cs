using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Standalone.Discovery;

/// <summary>Finds every <c>[Function]</c> method in the given assemblies and reads its trigger attribute.</summary>
public static class FunctionCatalog
{
    private const BindingFlags Methods = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static IReadOnlyList<FunctionDefinition> Discover(IEnumerable<Assembly> assemblies)
    {
        var functions = new List<FunctionDefinition>();
        foreach (Type type in assemblies.Distinct().SelectMany(a => a.GetExportedTypes()).Where(t => t.IsClass))
        {
            foreach (MethodInfo method in type.GetMethods(Methods))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is { } function)
                {
                    functions.Add(Describe(function.Name, method));
                }
            }
        }

        // The Functions host refuses duplicate names at start; so does this one, rather than letting one shadow another.
        string? duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        return duplicate is null
            ? functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList()
            : throw new InvalidOperationException($"The function name '{duplicate}' is declared more than once.");
    }

    private static FunctionDefinition Describe(string name, MethodInfo method)
    {
        foreach (ParameterInfo parameter in method.GetParameters())
        {
            Trigger? trigger = parameter.GetCustomAttributes().Select(Read).FirstOrDefault(t => t is not null);
            if (trigger is not null)
            {
                return new FunctionDefinition(name, method, parameter, trigger);
            }
        }

        throw new InvalidOperationException(
            $"Function '{name}' ({method.DeclaringType}.{method.Name}) has no trigger the standalone host can run " +
            "(HttpTrigger, TimerTrigger, QueueTrigger, OrchestrationTrigger or ActivityTrigger).");
    }

    private static Trigger? Read(Attribute attribute) => attribute switch
    {
        HttpTriggerAttribute http => new HttpTrigger(
            (http.Methods ?? []).Select(m => m.ToUpperInvariant()).ToArray(), http.Route),
        TimerTriggerAttribute timer => new TimerTrigger(timer.Schedule, timer.RunOnStartup, timer.UseMonitor),
        QueueTriggerAttribute queue => new QueueTrigger(queue.QueueName, queue.Connection),
        OrchestrationTriggerAttribute => new OrchestrationTrigger(),
        ActivityTriggerAttribute => new ActivityTrigger(),
        _ => null,
    };
}
