using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Hub.Standalone.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Standalone.Durable;

/// <summary>
/// The Durable Task SDK's gRPC sidecar server in process on a loopback port, over DTFx's Azure Storage backend: the
/// arrangement the Functions host uses for .NET isolated Durable Functions. The worker and the client of this host
/// talk to it over <see cref="DurableEndpoint"/>.
/// </summary>
internal sealed class DurableSidecar(
    DurableEndpoint endpoint,
    DurableSettings settings,
    string hubName,
    string connectionString,
    string workerId,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _server;

    public static AzureStorageOrchestrationServiceSettings StorageSettings(
        DurableSettings settings, string hubName, string connectionString, string workerId, ILoggerFactory loggerFactory) => new()
    {
        TaskHubName = hubName,
        StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
        // The default is the machine name, which two hosts on one machine (or two containers) would share.
        WorkerId = workerId,
        PartitionCount = settings.PartitionCount,
        ControlQueueVisibilityTimeout = settings.ControlQueueVisibilityTimeout,
        WorkItemQueueVisibilityTimeout = settings.WorkItemQueueVisibilityTimeout,
        MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
        // Table partition management (the 2.x default) hands a partition over on this loop; DTFx's 30/10/10 s defaults
        // left a second host's first orchestrations waiting 20-50 s on 2 cores, 15/3/1 s about 6 s (docs/standalone-host.md).
        LeaseInterval = TimeSpan.FromSeconds(15),
        LeaseRenewInterval = TimeSpan.FromSeconds(3),
        LeaseAcquireInterval = TimeSpan.FromSeconds(1),
        LoggerFactory = loggerFactory,
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var service = new AzureStorageOrchestrationService(StorageSettings(settings, hubName, connectionString, workerId, loggerFactory));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, endpoint.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(
            new ResilientOrchestrationService(service, loggerFactory.CreateLogger<DurableSidecar>(), time, _stopping.Token));
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<HistoryGrpcServer>();
        _server = builder.Build();
        _server.MapGrpcService<HistoryGrpcServer>();
        await _server.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
            // The host's logger factory belongs to the host.
        }
    }
}
