using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Azure;
using Hub.Functions.Hosting;
using Hub.Functions.Tests.Support;
using Hub.Standalone;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Hosting;

/// <summary>
/// The Function App's worker middleware (Hub.App's HttpGuardMiddleware, loaded from its build) on a function context
/// shaped as the Functions host hands it over: the HTTP function's metadata and the ASP.NET Core HttpContext.
/// </summary>
public sealed class HttpGuardMiddlewareTests
{
    private static readonly string Bin = Path.Combine(
        Azurite.RepositoryRoot(), "functions", "Hub.App", "bin", new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0");

    [Fact]
    public async Task Invoke_HttpFunctionStorageUnavailable_Answers503WithRetryAfter()
    {
        await using WebApplication hub = HubStandalone.Build(new HubLaunchOptions { Settings = await TestHub.DefaultSettingsAsync() });
        DefaultHttpContext http = NewHttpContext(hub.Services);

        await Middleware(hub.Services).Invoke(new Context(Health("httpTrigger"), http), _ => throw new RequestFailedException(503, "Server busy"));

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("30", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Invoke_HttpFunctionThrows_Answers500Problem()
    {
        await using WebApplication hub = HubStandalone.Build(new HubLaunchOptions { Settings = await TestHub.DefaultSettingsAsync() });
        DefaultHttpContext http = NewHttpContext(hub.Services);

        await Middleware(hub.Services).Invoke(new Context(Health("httpTrigger"), http), _ => throw new InvalidOperationException("boom"));

        Assert.Equal(500, http.Response.StatusCode);
        Assert.Equal("application/problem+json", http.Response.ContentType);
    }

    [Fact]
    public async Task Invoke_NotAnHttpTrigger_RunsTheFunctionUnguarded()
    {
        await using WebApplication hub = HubStandalone.Build(new HubLaunchOptions { Settings = await TestHub.DefaultSettingsAsync() });
        // Even with an HttpContext at hand, only an HTTP trigger is guarded: the exception is the function's to throw.
        var context = new Context(Health("timerTrigger"), NewHttpContext(hub.Services));

        Task invoke = Middleware(hub.Services).Invoke(context, _ => throw new InvalidOperationException("boom"));

        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => invoke)).Message);
    }

    private static IFunctionsWorkerMiddleware Middleware(IServiceProvider services)
    {
        Assembly app = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(Bin, "Hub.App.dll"));
        return (IFunctionsWorkerMiddleware)ActivatorUtilities.CreateInstance(services, app.GetType("Hub.App.HttpGuardMiddleware", throwOnError: true)!);
    }

    private static DefaultHttpContext NewHttpContext(IServiceProvider services)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "GET";
        http.Request.Path = "/api/health";
        http.Response.Body = new MemoryStream();
        return http;
    }

    // Health_Get as functions.metadata names it, with its trigger binding of the given type.
    private static Definition Health(string triggerType) =>
        new(Path.Combine(Bin, "Hub.Functions.dll"), "Hub.Functions.Health.HealthFunctions.GetAsync", "Health_Get", triggerType);

    private sealed class Definition(string path, string entryPoint, string name, string triggerType) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => path;

        public override string EntryPoint => entryPoint;

        public override string Id => name + "-id";

        public override string Name => name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings =>
            ImmutableDictionary<string, BindingMetadata>.Empty.Add("request", new Binding(triggerType));

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class Binding(string type) : BindingMetadata
    {
        public override string Name => "request";

        public override string Type => type;

        public override BindingDirection Direction => BindingDirection.In;
    }

    // The ASP.NET Core integration hands the HttpContext over in Items["HttpRequestContext"] (GetHttpContext reads it).
    private sealed class Context(FunctionDefinition definition, HttpContext? http) : FunctionContext
    {
        public override string InvocationId => "invocation-1";

        public override string FunctionId => definition.Id;

        public override TraceContext TraceContext => null!;

        public override BindingContext BindingContext => null!;

        public override RetryContext RetryContext => null!;

        public override IServiceProvider InstanceServices { get; set; } = null!;

        public override FunctionDefinition FunctionDefinition => definition;

        public override IDictionary<object, object> Items { get; set; } =
            http is null ? new Dictionary<object, object>() : new Dictionary<object, object> { ["HttpRequestContext"] = http };

        public override Microsoft.Azure.Functions.Worker.IInvocationFeatures Features => null!;
    }
}
