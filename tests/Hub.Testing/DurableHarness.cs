using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hub.Storage.Account;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Testing;

/// <summary>The durable runtime wired on its own unique table, queue and container in Azurite, for one test.</summary>
public sealed class DurableHarness
{
    private DurableHarness(Azurite azurite, TimeProvider clock, IEnumerable<ISideEffectHandler> effects, bool sendEffectsAfterCommit)
    {
        StorageAccount account = azurite.Account(new StorageClientOptions { RequestCounter = Requests });
        string name = Azurite.UniqueName("d");
        ConnectionString = azurite.ConnectionString;
        Clock = clock;
        Table = account.GetTableClient(name);
        Spill = account.GetBlobContainerClient(name);
        Queue = account.GetQueueClient(name);
        Store = new AggregateStore(Table, Spill);
        Work = new WorkQueue(Queue, Spill);
        Poison = new PoisonStore(Table, Work, clock);
        var aggregates = new List<IAggregateHandler>();
        Outbox = new OutboxDispatcher(
            Store, [.. effects, new AggregateCommandEffect(() => aggregates)], clock, NullLogger<OutboxDispatcher>.Instance);
        Counter = new AggregateProcessor<CounterState, CounterCommand, CounterEvent>(
            new CounterDecider(), Store, Work, clock, NullLogger<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>.Instance)
        {
            SendEffectsAfterCommit = sendEffectsAfterCommit,
        };
        aggregates.Add(Counter);
        Dispatcher = new WorkDispatcher([Counter], Work, Outbox, Poison);
        CommandEffect = new AggregateCommandEffect(() => aggregates);
    }

    /// <summary>Delivers <see cref="Hub.Domain.Durable.AggregateCommand"/> effects to <see cref="Counter"/>.</summary>
    public AggregateCommandEffect CommandEffect { get; }

    /// <summary>The storage requests of <paramref name="action"/>, by operation (zero counts left out).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountRequestsAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        IReadOnlyDictionary<string, long> before = Requests.Snapshot();
        await action().ConfigureAwait(false);
        return StorageRequestCounter.Difference(before, Requests.Snapshot());
    }

    public TimeProvider Clock { get; }

    /// <summary>The connection string of the Azurite the harness runs on, for clients of a test's own.</summary>
    public string ConnectionString { get; }

    /// <summary>Every storage request the harness's runtime sends, by operation.</summary>
    public StorageRequestCounter Requests { get; } = new();

    public TableClient Table { get; }

    public BlobContainerClient Spill { get; }

    public QueueClient Queue { get; }

    public AggregateStore Store { get; }

    public WorkQueue Work { get; }

    public PoisonStore Poison { get; }

    public OutboxDispatcher Outbox { get; }

    public AggregateProcessor<CounterState, CounterCommand, CounterEvent> Counter { get; }

    public WorkDispatcher Dispatcher { get; }

    /// <summary>
    /// The orchestrations the runtime asked for (a retry of a failed effect, a timer). The Durable Task engine itself
    /// runs them in the Functions tests; here the hand-over is what is under test.
    /// </summary>
    public RecordingStarter Orchestrations { get; } = new();

    public static async Task<DurableHarness> CreateAsync(
        TimeProvider? clock = null, IEnumerable<ISideEffectHandler>? effects = null, bool sendEffectsAfterCommit = true)
    {
        Azurite azurite = await Azurite.SharedAsync().ConfigureAwait(false);
        var harness = new DurableHarness(azurite, clock ?? TimeProvider.System, effects ?? [], sendEffectsAfterCommit);
        await harness.Store.InitializeAsync().ConfigureAwait(false);
        await harness.Work.InitializeAsync().ConfigureAwait(false);
        return harness;
    }

    /// <summary>Waits until the work queue holds at least <paramref name="count"/> messages.</summary>
    public async Task WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await Queue.GetApproximateMessageCountAsync(cts.Token).ConfigureAwait(false) < count)
        {
            await Task.Delay(50, cts.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Receives and handles work messages until <paramref name="until"/> holds or the time is up.</summary>
    public async Task DrainAsync(Func<Task<bool>> until, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await until().ConfigureAwait(false))
        {
            cts.Token.ThrowIfCancellationRequested();
            QueueMessage[] messages = (await Queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30), cts.Token).ConfigureAwait(false)).Value;
            foreach (QueueMessage message in messages)
            {
                await Dispatcher.HandleAsync(message.Body.ToString(), message.DequeueCount, Orchestrations, cts.Token).ConfigureAwait(false);
                await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cts.Token).ConfigureAwait(false);
            }

            if (messages.Length == 0)
            {
                await Task.Delay(100, cts.Token).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>Records the orchestrations it is asked to start; a second start of one instance id is refused, as the client's is.</summary>
public sealed class RecordingStarter : IOrchestrationStarter
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Orchestrator, object Input)> _started = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (string Orchestrator, object Input)> Started => _started;

    public Task<bool> StartAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken) =>
        Task.FromResult(_started.TryAdd(instanceId, (orchestrator, input)));
}

/// <summary>Records every side effect it performs, by idempotency key.</summary>
public sealed class RecordingEffect(string kind) : ISideEffectHandler
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<SideEffectContext> _done = new();

    public string Kind => kind;

    public IReadOnlyCollection<SideEffectContext> Done => _done;

    public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        _done.Enqueue(context);
        return Task.CompletedTask;
    }
}

/// <summary>A clock tests move by hand; timers still run in real time.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
