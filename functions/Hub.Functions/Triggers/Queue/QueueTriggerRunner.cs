using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Functions.Functions;
using Hub.Functions.Hosting;
using Hub.Storage.Account;
using Hub.Storage.Queues;

namespace Hub.Functions.Triggers.Queue;

/// <summary>
/// Standalone mode's queue trigger for one function, following the Functions host's queue listener: poll with
/// exponential backoff while empty, fetch a batch when no more than newBatchThreshold messages are running, delete on
/// success, let a failed message reappear after host.json visibilityTimeout, and after a failure at maxDequeueCount move
/// it to &lt;queue&gt;-poison (send, then delete). Two things this process knows better than polling (see
/// <see cref="QueueSignals"/>): it wakes when a message it sent with a delay becomes visible instead of sleeping out the
/// backoff, and a handler that only waits for its message's due time does not count against batchSize.
/// https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#poison-messages
/// </summary>
public sealed class QueueTriggerRunner(
    FunctionDefinition function,
    QueueTriggerSettings settings,
    StorageAccount account,
    FunctionInvoker invoker,
    HubOptions options,
    QueueSignals signals,
    TimeProvider clock,
    ILogger<QueueTriggerRunner> logger) : BackgroundService
{
    // The receive lease; renewed at half-time while the handler runs, so a slow handler keeps its message.
    private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(30);

    private readonly QueueClient _queue = account.GetQueueClient(function.QueueName!);
    private readonly QueueClient _poison = account.GetQueueClient(function.QueueName + "-poison");
    private bool _poisonCreated;

    public string FunctionName => function.Name;

    private TimeSpan Lease => settings.VisibilityTimeout > MinimumLease ? settings.VisibilityTimeout : MinimumLease;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RetryAsync(() => _queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken), "create the queue", stoppingToken);
        logger.LogInformation("Listening to queue '{Queue}' for function '{FunctionName}'", _queue.Name, function.Name);

        var running = new List<Task>();
        TimeSpan delay = options.QueueMinPollingInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                running.RemoveAll(t => t.IsCompleted);
                Task changed = signals.Changed(_queue.Name);
                // At most batchSize handlers run, plus at most batchSize that only wait for their due time.
                int active = running.Count - Math.Min(signals.WaitingCount(_queue.Name), settings.BatchSize);
                if (active > settings.NewBatchThreshold || active >= settings.BatchSize)
                {
                    await Task.WhenAny(Task.WhenAny(running), changed);
                    continue;
                }

                QueueMessage[] messages;
                try
                {
                    messages = (await _queue.ReceiveMessagesAsync(Math.Min(32, settings.BatchSize - active), Lease, stoppingToken)).Value;
                }
                catch (RequestFailedException ex)
                {
                    logger.LogWarning("Receiving from queue '{Queue}' failed ({Status} {ErrorCode}); backing off", _queue.Name, ex.Status, ex.ErrorCode);
                    messages = [];
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The storage client's network timeout: as a failed receive, never the end of the runner.
                    logger.LogWarning("Receiving from queue '{Queue}' timed out; backing off", _queue.Name);
                    messages = [];
                }

                if (messages.Length == 0)
                {
                    await SleepAsync(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(settings.MaxPollingInterval.Ticks, options.QueueMinPollingInterval.Ticks)));
                    continue;
                }

                delay = options.QueueMinPollingInterval;
                // On the thread pool: a handler that blocks before its first await must not hold up the batch or the loop.
                running.AddRange(messages.Select(m => Task.Run(() => ProcessAsync(m, stoppingToken), CancellationToken.None)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the messages in flight reappear after their lease if their handlers give up.
        }

        await Task.WhenAll(running);
    }

    /// <summary>Sleeps for <paramref name="backoff"/>, or until a message this process expects becomes visible if sooner.</summary>
    private async Task SleepAsync(TimeSpan backoff, CancellationToken ct)
    {
        DateTimeOffset until = clock.GetUtcNow() + backoff;
        while (true)
        {
            Task changed = signals.Changed(_queue.Name);
            DateTimeOffset now = clock.GetUtcNow();
            TimeSpan wait = signals.NextPoll(_queue.Name, now, until - now);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task timeout = Task.Delay(wait, clock, sleep.Token);
            if (await Task.WhenAny(timeout, changed) == timeout)
            {
                await timeout; // throws when stopping
                return;
            }

            await sleep.CancelAsync(); // woken early: drop the pending delay
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken ct)
    {
        DateTimeOffset now = clock.GetUtcNow();
        var metadata = new Dictionary<string, string>
        {
            ["DequeueCount"] = message.DequeueCount.ToString(CultureInfo.InvariantCulture),
            ["Id"] = message.MessageId,
            ["PopReceipt"] = message.PopReceipt,
            ["InsertionTime"] = message.InsertedOn?.ToString("O", CultureInfo.InvariantCulture) ?? "",
            ["ExpirationTime"] = message.ExpiresOn?.ToString("O", CultureInfo.InvariantCulture) ?? "",
            ["NextVisibleTime"] = message.NextVisibleOn?.ToString("O", CultureInfo.InvariantCulture) ?? "",
            ["sys.MethodName"] = function.Name,
            ["sys.UtcNow"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["sys.RandGuid"] = Guid.NewGuid().ToString(),
        };
        var invocation = new FunctionInvocation(function.Name, TriggerKind.Queue, function.BindingName, message.Body.ToString(), null, metadata, InvocationSource.Runner);

        var receipt = new PopReceiptHolder(message.PopReceipt);
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task renewing = KeepLeaseAsync(message.MessageId, receipt, renewal.Token);
        InvocationOutcome outcome;
        try
        {
            outcome = await invoker.InvokeAsync(invocation, ct);
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }

        try
        {
            if (outcome.Succeeded)
            {
                await _queue.TryDeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None);
            }
            else if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, receipt.Value);
            }
            else
            {
                await _queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
            }
        }
        catch (RequestFailedException ex)
        {
            // The message reappears when its lease ends and is handled again; the inbox makes that harmless.
            logger.LogWarning("Settling message {MessageId} on '{Queue}' failed ({Status} {ErrorCode})", message.MessageId, _queue.Name, ex.Status, ex.ErrorCode);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string popReceipt)
    {
        if (!_poisonCreated)
        {
            await _poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            _poisonCreated = true;
        }

        // Never expires: a poison message waits for an operator to look at it and replay it.
        await _poison.SendMessageAsync(message.Body, timeToLive: QueueClientExtensions.NeverExpires, cancellationToken: CancellationToken.None);
        await _queue.TryDeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
        logger.LogError(
            "Message {MessageId} failed {DequeueCount} times; moved from '{Queue}' to '{PoisonQueue}'",
            message.MessageId, message.DequeueCount, _queue.Name, _poison.Name);
    }

    private async Task KeepLeaseAsync(string messageId, PopReceiptHolder receipt, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 2, clock, ct);
                receipt.Value = (await _queue.UpdateMessageAsync(messageId, receipt.Value, visibilityTimeout: Lease, cancellationToken: ct)).Value.PopReceipt;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The handler finished.
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning("Renewing the lease of message {MessageId} failed ({Status} {ErrorCode})", messageId, ex.Status, ex.ErrorCode);
        }
        catch (OperationCanceledException)
        {
            // A renewal that timed out: the handler's outcome still settles the message.
            logger.LogWarning("Renewing the lease of message {MessageId} timed out", messageId);
        }
    }

    private async Task RetryAsync(Func<Task> action, string what, CancellationToken ct)
    {
        TimeSpan delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning("Could not {What} for '{FunctionName}' ({Status} {ErrorCode}); retrying in {Delay}", what, function.Name, ex.Status, ex.ErrorCode, delay);
                await Task.Delay(delay, clock, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    private sealed class PopReceiptHolder(string value)
    {
        public string Value { get; set; } = value;
    }
}
