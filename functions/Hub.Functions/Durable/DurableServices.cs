using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Domain.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Durable;

public static class DurableServices
{
    /// <summary>The durable runtime on the AzureWebJobsStorage account (its functions are <see cref="HubWorkFunctions"/> and <see cref="EffectFunctions"/>).</summary>
    public static IServiceCollection AddDurableRuntime(this IServiceCollection services)
    {
        services.AddSingleton(sp => DurableNames.From(sp.GetRequiredService<HubOptions>()));
        services.AddSingleton(sp =>
        {
            DurableNames names = sp.GetRequiredService<DurableNames>();
            var account = sp.GetRequiredService<StorageAccounts>().Get();
            return new AggregateStore(account.GetTableClient(names.Table), account.GetBlobContainerClient(names.SpillContainer));
        });
        services.AddSingleton(sp =>
        {
            DurableNames names = sp.GetRequiredService<DurableNames>();
            var account = sp.GetRequiredService<StorageAccounts>().Get();
            return new WorkQueue(account.GetQueueClient(names.WorkQueue), account.GetBlobContainerClient(names.SpillContainer));
        });
        services.AddSingleton(sp => new PoisonStore(
            sp.GetRequiredService<AggregateStore>().Table, sp.GetRequiredService<WorkQueue>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISideEffectHandler, TimerEffect>();
        services.AddSingleton(sp => sp.GetRequiredService<HubOptions>().EffectRetry());
        services.AddSingleton(sp => new AggregateCommandEffect(sp.GetServices<IAggregateHandler>, sp.GetService<IDeliveryObserver>));
        services.AddSingleton<ISideEffectHandler>(sp => sp.GetRequiredService<AggregateCommandEffect>());
        services.AddSingleton(sp => new OutboxDispatcher(
            sp.GetRequiredService<AggregateStore>(), sp.GetServices<ISideEffectHandler>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboxDispatcher>>(), sp.GetRequiredService<EffectRetryPolicy>()));
        services.AddSingleton<WorkDispatcher>();
        services.AddSingleton<DurableStorage>();
        return services;
    }

    /// <summary>Registers an aggregate kind: its processor serves the API and the work queue alike.</summary>
    public static IServiceCollection AddAggregate<TState, TCommand, TEvent, TDecider>(this IServiceCollection services)
        where TDecider : class, IDecider<TState, TCommand, TEvent>
    {
        services.AddSingleton<IDecider<TState, TCommand, TEvent>, TDecider>();
        services.AddSingleton<AggregateProcessor<TState, TCommand, TEvent>>();
        services.AddSingleton<IAggregateHandler>(sp => sp.GetRequiredService<AggregateProcessor<TState, TCommand, TEvent>>());
        return services;
    }
}
