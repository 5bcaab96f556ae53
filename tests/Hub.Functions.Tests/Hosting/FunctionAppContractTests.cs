using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Hub.Functions.Hosting;
using Hub.Functions.Http;
using Hub.Functions.Tests.Support;
using Hub.Standalone;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Hosting;

/// <summary>
/// The Function App (functions/Hub.App) runs from the functions.metadata its Worker.Sdk build generates; the
/// standalone host maps the same [Function] methods from their attributes. These tests hold the two to one list,
/// whatever functions the hub has: a function only one host knows, or knows differently, fails them.
/// </summary>
public sealed class FunctionAppContractTests
{
    private static readonly string AppFolder = Path.Combine(Azurite.RepositoryRoot(), "functions", "Hub.App");

    [Fact]
    public async Task FunctionsMetadata_EveryHubFunction_IsExactlyWhatTheStandaloneHostMaps()
    {
        IReadOnlyList<FunctionContract> generated = FunctionContract.ReadBuiltMetadata(AppFolder);
        await using WebApplication app = HubStandalone.Build(new HubLaunchOptions { Settings = await TestHub.DefaultSettingsAsync() });

        List<FunctionContract> mapped = app.Services.GetRequiredService<IReadOnlyList<MappedFunction>>()
            .Select(f => FunctionContract.Mapped(f.Name, f.TriggerType, f.Route, f.Methods, f.Schedule, f.QueueName))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

        // The first function ported is in both lists, so this never compares two empty lists.
        Assert.Contains(new FunctionContract("Health_Get", "httpTrigger", "api/health", "GET", null, null), generated);
        Assert.Equal(generated, mapped);
    }

    [Fact]
    public async Task FunctionsMetadata_EveryHttpFunction_IsRoutedStandaloneAtItsPathToTheMethodTheWorkerInvokes()
    {
        IReadOnlyList<FunctionContract> generated = FunctionContract.ReadBuiltMetadata(AppFolder);
        Dictionary<string, MethodInfo> entryPoints = WorkerEntryPoints();
        string prefix = RoutePrefix();
        await using WebApplication app = HubStandalone.Build(new HubLaunchOptions { Settings = await TestHub.DefaultSettingsAsync() });

        Dictionary<string, RouteEndpoint> routed = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is { } m && m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>() is not null)
            .ToDictionary(e => e.DisplayName!, StringComparer.Ordinal);
        List<FunctionContract> http = generated.Where(f => f.TriggerType == "httpTrigger").ToList();

        Assert.NotEmpty(http);
        Assert.Equal(http.Select(f => f.Name), routed.Keys.Order(StringComparer.Ordinal));
        Assert.All(http, f =>
        {
            RouteEndpoint endpoint = routed[f.Name];
            // The Functions host serves a function at /{routePrefix}/{route}, answering only its declared methods.
            Assert.Equal("/" + string.Join("/", new[] { prefix, f.Route!.Trim('/') }.Where(p => p.Length > 0)), endpoint.RoutePattern.RawText);
            Assert.Equal(f.Methods, string.Join(",", endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []));
            Assert.Same(entryPoints[f.Name], endpoint.Metadata.GetMetadata<MethodInfo>());
            // The guard both hosts run accepts it: it declares its roles or its anonymous access.
            _ = HttpFunctionGuard.RuleFor(entryPoints[f.Name]);
        });
    }

    [Fact]
    public async Task WorkerIndexing_GeneratedMetadataProvider_AgreesWithFunctionsMetadata()
    {
        // worker.config.json turns worker indexing on: the Functions host then takes the functions from the worker's
        // source-generated provider in Hub.App.dll, not from functions.metadata, so both must say the same.
        IReadOnlyList<FunctionContract> generated = FunctionContract.ReadBuiltMetadata(AppFolder);
        Assembly app = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(Bin(), "Hub.App.dll"));
        Type providerType = LoadableTypes(app).Single(t => !t.IsAbstract && typeof(IFunctionMetadataProvider).IsAssignableFrom(t));
        var provider = (IFunctionMetadataProvider)ActivatorUtilities.CreateInstance(new ServiceCollection().BuildServiceProvider(), providerType);

        ImmutableArray<IFunctionMetadata> indexed = await provider.GetFunctionMetadataAsync(Bin());

        List<FunctionContract> fromWorker = indexed
            .Select(f => FunctionContract.FromBindings(f.Name!, f.RawBindings!.Select(b => JsonDocument.Parse(b).RootElement)))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(fromWorker);
        Assert.Equal(generated, fromWorker);
    }

    private static Type[] LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return [.. ex.Types.OfType<Type>()];
        }
    }

    private static string Bin() =>
        Path.Combine(AppFolder, "bin", new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0");

    // What the Function App's middleware resolves for each function from the metadata's scriptFile and entryPoint.
    private static Dictionary<string, MethodInfo> WorkerEntryPoints()
    {
        string bin = Bin();
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(bin, "functions.metadata")));
        return metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => FunctionEntryPoint.Find(Path.Combine(bin, f.GetProperty("scriptFile").GetString()!), f.GetProperty("entryPoint").GetString()!),
            StringComparer.Ordinal);
    }

    private static string RoutePrefix()
    {
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "host.json")));
        return host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!.Trim('/');
    }
}
