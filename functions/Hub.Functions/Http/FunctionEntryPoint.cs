using System.Reflection;

namespace Hub.Functions.Http;

/// <summary>
/// The method behind a function as functions.metadata names it (<c>scriptFile</c>, <c>entryPoint</c>), which is what
/// the Functions host hands the worker: the Function App's middleware finds the attributes the
/// <see cref="HttpFunctionGuard"/> reads this way, and the contract test checks it is the method the standalone host runs.
/// </summary>
public static class FunctionEntryPoint
{
    /// <param name="pathToAssembly">The assembly file; it is loaded by name, as the app's deps.json lists it.</param>
    /// <param name="entryPoint"><c>Namespace.Type.Method</c>.</param>
    public static MethodInfo Find(string pathToAssembly, string entryPoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathToAssembly);
        ArgumentException.ThrowIfNullOrEmpty(entryPoint);
        int dot = entryPoint.LastIndexOf('.');
        Assembly assembly = Assembly.Load(AssemblyName.GetAssemblyName(pathToAssembly));
        Type type = assembly.GetType(entryPoint[..dot], throwOnError: true)!;
        return type.GetMethod(entryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
               ?? throw new InvalidOperationException($"Entry point {entryPoint} is not a public method of {type.FullName}.");
    }
}
