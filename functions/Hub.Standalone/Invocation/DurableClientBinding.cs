using System.Reflection;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone.Invocation;

/// <summary>
/// A <c>[DurableClient]</c> parameter, on any kind of function: the Functions host binds its client there; standalone it
/// is the host's one client, from DI (there only when the app has orchestrators or activities).
/// </summary>
internal static class DurableClientBinding
{
    public static bool Is(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<Microsoft.Azure.Functions.Worker.DurableClientAttribute>() is not null;

    public static DurableTaskClient Resolve(IServiceProvider services) =>
        services.GetService<DurableTaskClient>()
        ?? throw new InvalidOperationException("A [DurableClient] parameter needs the Durable Task worker, which runs only when the app has an orchestrator or activity.");
}
