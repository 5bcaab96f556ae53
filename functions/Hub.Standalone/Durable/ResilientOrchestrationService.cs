using DurableTask.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Hub.Standalone.Durable;

/// <summary>
/// DTFx's orchestration service as the sidecar's dispatchers see it, except that starting waits out a storage outage:
/// the sidecar starts its dispatchers from an <c>async void</c> handler, where a storage exception would end the
/// process. Every other member forwards; the dispatchers' own loops already log and retry fetch failures.
/// </summary>
internal sealed class ResilientOrchestrationService(IOrchestrationService inner, ILogger logger, TimeProvider time, CancellationToken stopping) : IOrchestrationService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private volatile bool _started;

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task StartAsync()
    {
        // Polly retries the start forever at a steady pace until it succeeds or the host stops.
        ResiliencePipeline startup = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(_ => !stopping.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = RetryDelay,
                OnRetry = args =>
                {
                    logger.LogWarning(args.Outcome.Exception, "Durable task hub could not start ({Message}); retrying in {Delay}.", args.Outcome.Exception?.Message, args.RetryDelay);
                    return default;
                },
            })
            .Build();
        try
        {
            await startup.ExecuteAsync(
                async _ =>
                {
                    await inner.CreateIfNotExistsAsync().ConfigureAwait(false);
                    await inner.StartAsync().ConfigureAwait(false);
                },
                stopping).ConfigureAwait(false);
            _started = true;
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // The host is going away (its logger factory may be disposed already): nothing to start.
        }
    }

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>Stops DTFx if it started; like starting, this runs in an <c>async void</c> handler, so it never throws.</summary>
    public async Task StopAsync(bool isForced)
    {
        if (!_started)
        {
            return;
        }

        try
        {
            await inner.StopAsync(isForced).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Durable task hub did not stop cleanly: {Message}.", e.Message);
        }
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
