using System.Collections.Concurrent;
using System.Reflection;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Hub.App;

/// <summary>
/// Runs the hub's <see cref="HttpFunctionGuard"/> (roles, intake limit, 503/500 answers) around every HTTP function
/// under the Functions host, as the standalone host's HTTP filter does, so access never rests on the host's keys.
/// The guard reads the function's attributes, so the method is found from the metadata's entry point
/// (<see cref="FunctionEntryPoint"/>).
/// </summary>
internal sealed class HttpGuardMiddleware(HttpFunctionGuard guard) : IFunctionsWorkerMiddleware
{
    private readonly ConcurrentDictionary<string, MethodInfo?> _methods = new(StringComparer.Ordinal);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        MethodInfo? method = _methods.GetOrAdd(context.FunctionDefinition.Id, _ => HttpMethodOf(context.FunctionDefinition));
        if (method is null)
        {
            await next(context);
            return;
        }

        // Never run an HTTP function unguarded: without the ASP.NET Core integration's HttpContext (middleware
        // registered before ConfigureFunctionsWebApplication, or the HttpRequestData model) the call fails instead.
        HttpContext http = context.GetHttpContext()
            ?? throw new InvalidOperationException($"HTTP function {context.FunctionDefinition.Name} has no HttpContext; the hub's guard cannot run, so neither does the function.");
        await guard.InvokeAsync(http, method, () => next(context));
    }

    /// <summary>The method behind an HTTP-triggered function; null for any other trigger.</summary>
    private static MethodInfo? HttpMethodOf(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!function.InputBindings.Values.Any(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return FunctionEntryPoint.Find(function.PathToAssembly, function.EntryPoint);
    }
}
