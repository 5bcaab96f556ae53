namespace Hub.Storage.Queues;

/// <summary>
/// What this process knows about its own queues that polling cannot see: when a message it sent with a delay becomes
/// visible, and how many handlers are only waiting for a due time. A queue runner uses the first to wake when a timer
/// surfaces instead of sleeping out its empty-queue backoff, and the second to give a waiting handler's slot to work
/// that can run now. Messages sent by other instances are still found by polling.
/// </summary>
public sealed class QueueSignals
{
    // A message becomes visible server-side; poll a little after the moment so the receive finds it.
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(20);

    // A runner never sleeps longer than its maxPollingInterval (the Functions host caps that at a minute by default), so
    // only what surfaces sooner can shorten a sleep; later messages are found by polling and are not remembered.
    private static readonly TimeSpan Horizon = TimeSpan.FromMinutes(1);

    private const int MaxExpected = 100_000;

    private readonly Dictionary<string, QueueState> _queues = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>A message sent to <paramref name="queue"/> at <paramref name="now"/> becomes visible at <paramref name="visibleAt"/>.</summary>
    public void Expect(string queue, DateTimeOffset now, DateTimeOffset visibleAt)
    {
        if (visibleAt - now > Horizon)
        {
            return;
        }

        lock (_gate)
        {
            QueueState state = State(queue);
            Prune(state.Expected, now);
            if (state.Expected.Count < MaxExpected)
            {
                state.Expected.Add((visibleAt + Margin, state.Sequence++));
            }

            state.Wake();
        }
    }

    /// <summary>When to poll next, at the latest: now + <paramref name="backoff"/>, or sooner when an expected message surfaces.</summary>
    public TimeSpan NextPoll(string queue, DateTimeOffset now, TimeSpan backoff)
    {
        lock (_gate)
        {
            SortedSet<(DateTimeOffset At, long)> expected = State(queue).Expected;
            Prune(expected, now);
            return expected.Count > 0 && expected.Min.At - now < backoff ? expected.Min.At - now : backoff;
        }
    }

    /// <summary>Marks a handler of <paramref name="queue"/> as only waiting until its message is due; dispose when it runs.</summary>
    public IDisposable Waiting(string queue)
    {
        lock (_gate)
        {
            QueueState state = State(queue);
            state.Waiting++;
            state.Wake();
            return new WaitScope(this, queue);
        }
    }

    /// <summary>How many handlers of <paramref name="queue"/> are only waiting for a due time.</summary>
    public int WaitingCount(string queue)
    {
        lock (_gate)
        {
            return State(queue).Waiting;
        }
    }

    /// <summary>Completes when something is expected or starts waiting on <paramref name="queue"/>.</summary>
    public Task Changed(string queue)
    {
        lock (_gate)
        {
            return State(queue).Signal.Task;
        }
    }

    private static void Prune(SortedSet<(DateTimeOffset At, long Sequence)> expected, DateTimeOffset now)
    {
        while (expected.Count > 0 && expected.Min.At <= now)
        {
            expected.Remove(expected.Min);
        }
    }

    private QueueState State(string queue)
    {
        if (!_queues.TryGetValue(queue, out QueueState? state))
        {
            _queues[queue] = state = new QueueState();
        }

        return state;
    }

    private void EndWait(string queue)
    {
        lock (_gate)
        {
            State(queue).Waiting--;
        }
    }

    private sealed class QueueState
    {
        public SortedSet<(DateTimeOffset At, long Sequence)> Expected { get; } = [];

        public long Sequence { get; set; }

        public int Waiting { get; set; }

        public TaskCompletionSource Signal { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Wake()
        {
            Signal.TrySetResult();
            Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private sealed class WaitScope(QueueSignals signals, string queue) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                signals.EndWait(queue);
            }
        }
    }
}
