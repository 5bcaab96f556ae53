using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Standalone.Invocation;
using Hub.Standalone.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Standalone.Queues;

/// <summary>
/// Polls one queue for one function with the Functions host's semantics: Base64 messages, batches of
/// <c>batchSize</c> fetched again once <c>newBatchThreshold</c> are left in flight, polling backing off to
/// <c>maxPollingInterval</c>, a failed message made visible again after <c>visibilityTimeout</c> and moved to
/// <c>&lt;queue&gt;-poison</c> after its <c>maxDequeueCount</c>-th failed attempt; a message that is not base64 goes
/// there at once (<see cref="UndecodableMessages"/>).
/// </summary>
internal sealed class QueueListener : IDisposable
{
    // While a message is processed it is hidden for a minute and the hiding renewed every half minute, so the
    // message of an instance that crashed is visible to the others again within a minute.
    internal static readonly TimeSpan ProcessingVisibility = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ErrorDelay = TimeSpan.FromSeconds(5);

    private readonly QueueFunction _function;
    private readonly QueueSettings _settings;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly FunctionInvoker _invoker;
    private readonly Func<QueueMessage, IServiceProvider, CancellationToken, object?>[] _binders;
    private readonly SemaphoreSlim _capacity;

    public QueueListener(QueueFunction function, QueueSettings settings, IServiceProvider services, TimeProvider time, ILogger logger)
    {
        _function = function;
        _settings = settings;
        _services = services;
        _time = time;
        _logger = logger;
        QueueClientOptions options = HostStorageRetry.Apply(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        options.MessageDecodingFailed += UndecodableMessages.MoveToPoisonAsync;
        _queue = new QueueClient(function.ConnectionString, function.QueueName, options);
        _poison = new QueueClient(function.ConnectionString, function.QueueName + "-poison", options);
        _invoker = new FunctionInvoker(function.Definition);
        _binders = QueueMessageBinder.For(function.Definition);
        _capacity = new SemaphoreSlim(settings.BatchSize + settings.NewBatchThreshold);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        TimeSpan idle = MinimumPollingInterval;
        bool created = false;
        var inFlight = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            int reserved = 0;
            try
            {
                if (!created)
                {
                    await _queue.CreateIfNotExistsAsync(cancellationToken: stopping).ConfigureAwait(false);
                    created = true;
                }

                // A new batch only once no more than newBatchThreshold messages are still being processed.
                for (; reserved < _settings.BatchSize; reserved++)
                {
                    await _capacity.WaitAsync(stopping).ConfigureAwait(false);
                }

                QueueMessage[] messages = (await _queue.ReceiveMessagesAsync(_settings.BatchSize, ProcessingVisibility, stopping).ConfigureAwait(false)).Value;
                if (reserved > messages.Length)
                {
                    _capacity.Release(reserved - messages.Length);
                }

                reserved = 0;
                inFlight.RemoveAll(t => t.IsCompleted);
                foreach (QueueMessage message in messages)
                {
                    inFlight.Add(Task.Run(() => ProcessAsync(message, stopping), CancellationToken.None));
                }

                if (messages.Length > 0)
                {
                    idle = MinimumPollingInterval;
                    continue;
                }

                await Task.Delay(idle, _time, stopping).ConfigureAwait(false);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _settings.MaxPollingInterval.Ticks));
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Storage down or refusing: a listener logs, waits and polls again; it never stops the host.
                if (reserved > 0)
                {
                    _capacity.Release(reserved);
                }

                _logger.LogWarning(e, "Queue {Queue} ({Function}): {Message}; polling again in {Delay}.", _function.QueueName, _function.Definition.Name, e.Message, ErrorDelay);
                created = created && e is not RequestFailedException { Status: 404 };
                try
                {
                    await Task.Delay(ErrorDelay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stopping)
    {
        var receipt = new PopReceipt(message.PopReceipt);
        using var done = new CancellationTokenSource();
        Task renewal = KeepHiddenAsync(message, receipt, done.Token);
        try
        {
            Exception? failure = null;
            try
            {
                await using AsyncServiceScope scope = _services.CreateAsyncScope();
                object?[] arguments = _binders.Select(b => b(message, scope.ServiceProvider, stopping)).ToArray();
                await _invoker.InvokeAsync(scope.ServiceProvider, arguments).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
            }

            await done.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            if (failure is null)
            {
                await _queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None).ConfigureAwait(false);
            }
            else if (message.DequeueCount >= _settings.MaxDequeueCount)
            {
                _logger.LogError(failure, "Queue {Queue} ({Function}): message {Id} failed {Count} times; moving it to {Poison}.",
                    _function.QueueName, _function.Definition.Name, message.MessageId, message.DequeueCount, _poison.Name);
                await _poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                await _poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                await _queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                _logger.LogWarning(failure, "Queue {Queue} ({Function}): message {Id} failed (attempt {Count} of {Max}).",
                    _function.QueueName, _function.Definition.Name, message.MessageId, message.DequeueCount, _settings.MaxDequeueCount);
                await _queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: _settings.VisibilityTimeout, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // The message stays hidden until its visibility lapses and is then delivered again: at least once.
            _logger.LogWarning(e, "Queue {Queue} ({Function}): could not settle message {Id}: {Message}.", _function.QueueName, _function.Definition.Name, message.MessageId, e.Message);
        }
        finally
        {
            _capacity.Release();
        }
    }

    public void Dispose() => _capacity.Dispose();

    private async Task KeepHiddenAsync(QueueMessage message, PopReceipt receipt, CancellationToken done)
    {
        while (true)
        {
            try
            {
                await Task.Delay(ProcessingVisibility / 2, _time, done).ConfigureAwait(false);
                Response<UpdateReceipt> updated = await _queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: ProcessingVisibility, cancellationToken: done).ConfigureAwait(false);
                receipt.Value = updated.Value.PopReceipt;
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Storage down (the client's spent retries are an AggregateException, its network timeout a
                // cancellation): keep trying, so that the message stays hidden once storage answers again.
                _logger.LogWarning(e, "Queue {Queue}: could not extend the visibility of message {Id}: {Message}.", _function.QueueName, message.MessageId, e.Message);
            }
        }
    }

    /// <summary>The latest pop receipt of a message being processed (each visibility update issues a new one).</summary>
    private sealed class PopReceipt(string value)
    {
        public string Value { get; set; } = value;
    }
}
