using Hub.Standalone.Admin;
using Hub.Standalone.Discovery;
using Hub.Standalone.Durable;
using Hub.Standalone.Http;
using Hub.Standalone.Queues;
using Hub.Standalone.Settings;
using Hub.Standalone.Timers;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Hub.Standalone;

/// <summary>
/// Runs <c>[Function]</c> methods without the Functions host: HTTP triggers on Kestrel, timers under blob leases,
/// queue listeners, and orchestrators and activities on the Durable Task SDK worker over DTFx's Azure Storage backend.
/// </summary>
public static class StandaloneHost
{
    /// <summary>The blob container the Functions host keeps its timer status and locks in.</summary>
    public const string HostsContainer = "azure-webjobs-hosts";

    /// <summary>The header that carries the key of the admin route (<see cref="StandaloneHostOptions.AdminKeyCheck"/>).</summary>
    public const string AdminKeyHeader = "x-functions-key";

    public static async Task RunAsync(StandaloneHostOptions options)
    {
        await using WebApplication app = Build(options);
        await app.RunAsync().ConfigureAwait(false);
    }

    public static WebApplication Build(StandaloneHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = Path.GetFullPath(options.ContentRoot ?? Directory.GetCurrentDirectory());
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = options.Args, ContentRootPath = root });

        // Functions' precedence: local.settings.json Values below the environment and the command line.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = LocalSettings.Load(Path.Combine(root, "local.settings.json")),
        });
        builder.Configuration.AddInMemoryCollection(options.Settings);
        options.ConfigureServices?.Invoke(builder.Services, builder.Configuration);
        AddFunctions(builder, options);
        WebApplication app = builder.Build();
        MapFunctions(app);
        return app;
    }

    /// <summary>
    /// Adds the functions of <see cref="StandaloneHostOptions.Assemblies"/> to an application whose configuration the
    /// caller has already arranged: timers, queue listeners and the Durable worker as hosted services, HTTP routes
    /// once <see cref="MapFunctions"/> is called on the built application. host.json is read from
    /// <see cref="StandaloneHostOptions.ContentRoot"/>.
    /// </summary>
    public static void AddFunctions(WebApplicationBuilder builder, StandaloneHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        string root = Path.GetFullPath(options.ContentRoot ?? Directory.GetCurrentDirectory());
        var settings = new AppSettings(builder.Configuration);
        HostJson host = HostJson.Load(Path.Combine(root, "host.json"), builder.Configuration);
        IReadOnlyList<FunctionDefinition> functions = FunctionCatalog.Discover(options.Assemblies);
        string hostId = options.HostId ?? builder.Configuration["AzureFunctionsWebHost:hostid"] ?? "standalone";

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(host);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMvcCore();
        TimeZoneInfo zone = options.TimeZone ?? (settings["WEBSITE_TIME_ZONE"] is { Length: > 0 } zoneName ? TimeZoneInfo.FindSystemTimeZoneById(zoneName) : TimeZoneInfo.Utc);
        builder.Services.AddSingleton<IReadOnlyList<MappedFunction>>(Map(functions, host, settings, zone));
        builder.Services.AddSingleton(new FunctionRoutes(functions, host.RoutePrefix, options.HttpFilter, options.AdminKeyCheck));
        if (options.AdminKeyCheck is not null)
        {
            builder.Services.AddSingleton<AdminInvocations>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminInvocations>());
        }

        AddTimers(builder.Services, functions, settings, hostId, zone);
        AddQueues(builder.Services, functions, settings, host.Queues);
        AddDurable(builder.Services, functions, settings, host.Durable, options.InstanceId);
    }

    /// <summary>Maps the HTTP functions that <see cref="AddFunctions"/> found onto the application's routes.</summary>
    public static void MapFunctions(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<ServiceProviderAccessor>() is { } accessor)
        {
            accessor.Services = app.Services;
        }

        FunctionRoutes routes = app.Services.GetRequiredService<FunctionRoutes>();
        HttpFunctionEndpoints.Map(app, routes.Functions, routes.RoutePrefix, routes.Filter);
        if (routes.AdminKeyCheck is { } check)
        {
            AdminEndpoint.Map(app, app.Services, routes.Functions, check);
        }
    }

    private static List<MappedFunction> Map(IReadOnlyList<FunctionDefinition> functions, HostJson host, AppSettings settings, TimeZoneInfo zone) =>
        functions.Select(f => f.Trigger switch
        {
            Discovery.HttpTrigger http => new MappedFunction(f.Name, http.Type, http.Route ?? f.Name, http.Methods, null, null,
                HttpFunctionEndpoints.Pattern(host.RoutePrefix, f, http), null, null),
            Discovery.TimerTrigger timer => new MappedFunction(f.Name, timer.Type, null, [], timer.Schedule, null, null,
                settings.Resolve(timer.Schedule), null, zone),
            Discovery.QueueTrigger queue => new MappedFunction(f.Name, queue.Type, null, [], null, queue.QueueName, null,
                null, settings.Resolve(queue.QueueName)),
            _ => new MappedFunction(f.Name, f.Trigger.Type, null, [], null, null, null, null, null),
        }).ToList();

    private static void AddTimers(IServiceCollection services, IReadOnlyList<FunctionDefinition> functions, AppSettings settings, string hostId, TimeZoneInfo zone)
    {
        var timers = new List<TimerFunction>();
        foreach (FunctionDefinition function in functions)
        {
            if (function.Trigger is Discovery.TimerTrigger timer && !Disabled(settings, function))
            {
                string schedule = settings.Resolve(timer.Schedule);
                try
                {
                    timers.Add(new TimerFunction(function, timer, TimerSchedule.Parse(schedule, zone)));
                }
                catch (FormatException e)
                {
                    throw new InvalidOperationException($"Function '{function.Name}': the schedule '{schedule}' ({timer.Schedule}) is invalid: {e.Message}", e);
                }
            }
        }

        if (timers.Count == 0)
        {
            return;
        }

        services.AddHostedService(sp =>
        {
            var container = new BlobContainerClient(settings.StorageConnectionString, HostsContainer, HostStorageRetry.Apply(new BlobClientOptions()));
            ILogger logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Hub.Standalone.Timers");
            TimeProvider time = sp.GetRequiredService<TimeProvider>();
            return new TimerService(timers.Select(t => new TimerRunner(t, container, hostId, sp, time, logger)).ToList());
        });
    }

    private static void AddQueues(IServiceCollection services, IReadOnlyList<FunctionDefinition> functions, AppSettings settings, QueueSettings queueSettings)
    {
        var queues = new List<QueueFunction>();
        foreach (FunctionDefinition function in functions)
        {
            if (function.Trigger is Discovery.QueueTrigger queue && !Disabled(settings, function))
            {
                queues.Add(new QueueFunction(function, settings.Resolve(queue.QueueName), settings.Connection(queue.Connection)));
            }
        }

        if (queues.Count == 0)
        {
            return;
        }

        services.AddHostedService(sp =>
        {
            ILogger logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Hub.Standalone.Queues");
            TimeProvider time = sp.GetRequiredService<TimeProvider>();
            return new QueueService(queues.Select(q => new QueueListener(q, queueSettings, sp, time, logger)).ToList());
        });
    }

    /// <summary>
    /// The Functions host's <c>AzureWebJobs.&lt;name&gt;.Disabled</c> app setting: the trigger does not listen (the admin
    /// route still runs the function, as there).
    /// </summary>
    private static bool Disabled(AppSettings settings, FunctionDefinition function) =>
        settings[$"AzureWebJobs.{function.Name}.Disabled"] is { } value
        && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private static void AddDurable(
        IServiceCollection services, IReadOnlyList<FunctionDefinition> functions, AppSettings settings, DurableSettings durable, string workerId)
    {
        if (!functions.Any(f => f.Trigger is Discovery.OrchestrationTrigger or Discovery.ActivityTrigger))
        {
            // No orchestrator or activity: no task hub to start (and no client to offer).
            return;
        }

        var accessor = new ServiceProviderAccessor();
        services.AddSingleton(accessor);
        var endpoint = new DurableEndpoint(FreePort.Next());
        services.AddSingleton(endpoint);
        string hubName = settings.Resolve(durable.HubName);
        services.AddHostedService(sp => new DurableSidecar(
            endpoint, durable, hubName, settings.StorageConnectionString, workerId, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));

        services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(endpoint.Channel);
            worker.AddTasks(registry =>
            {
                foreach (FunctionDefinition function in functions)
                {
                    switch (function.Trigger)
                    {
                        case Discovery.OrchestrationTrigger:
                            FunctionOrchestrator.Validate(function);
                            registry.AddOrchestrator(function.Name, new FunctionOrchestrator(function, accessor));
                            break;
                        case Discovery.ActivityTrigger:
                            registry.AddActivity(function.Name, new FunctionActivity(function, accessor));
                            break;
                    }
                }
            });
        });
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(endpoint.Channel);
            client.RegisterDirectly();
        });
    }
}

/// <summary>
/// What <see cref="StandaloneHost.MapFunctions"/> maps: the HTTP functions found and how to wrap them, and the admin
/// route when a key check is given.
/// </summary>
internal sealed record FunctionRoutes(IReadOnlyList<FunctionDefinition> Functions, string RoutePrefix, HttpFunctionFilter? Filter, AdminKeyCheck? AdminKeyCheck);
