using Hub.Storage.Queues;

namespace Hub.Storage.Tests.Queues;

public sealed class QueueSignalsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NextPoll_NothingExpected_IsTheBackoff()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), new QueueSignals().NextPoll("q", T0, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void NextPoll_MessageSurfacingBeforeTheBackoffEnds_WakesJustAfterIt_OnlyForItsQueue()
    {
        var signals = new QueueSignals();
        signals.Expect("q", T0, T0.AddMilliseconds(700));
        signals.Expect("q", T0, T0.AddMilliseconds(300));
        signals.Expect("q", T0, T0.AddSeconds(10));

        Assert.Equal(TimeSpan.FromMilliseconds(320), signals.NextPoll("q", T0, TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromMilliseconds(20), signals.NextPoll("q", T0.AddMilliseconds(300), TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromMilliseconds(390), signals.NextPoll("q", T0.AddMilliseconds(330), TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(2), signals.NextPoll("q", T0.AddSeconds(1), TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(2), signals.NextPoll("other", T0, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void NextPoll_SameMomentExpectedTwice_KeepsBoth()
    {
        var signals = new QueueSignals();
        signals.Expect("q", T0, T0.AddSeconds(1));
        signals.Expect("q", T0, T0.AddSeconds(1));
        signals.Expect("q", T0, T0.AddSeconds(5));

        Assert.Equal(TimeSpan.FromMilliseconds(1020), signals.NextPoll("q", T0, TimeSpan.FromSeconds(9)));
        Assert.Equal(TimeSpan.FromMilliseconds(3520), signals.NextPoll("q", T0.AddSeconds(1.5), TimeSpan.FromSeconds(9)));
    }

    [Fact]
    public void Expect_BeyondAMinute_IsNotRemembered_PollingFindsIt()
    {
        var signals = new QueueSignals();
        signals.Expect("q", T0, T0.AddMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(10), signals.NextPoll("q", T0.AddMinutes(4), TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Waiting_CountsUntilDisposed_OnceEvenWhenDisposedTwice_AndSignalsTheChange()
    {
        var signals = new QueueSignals();
        Task changed = signals.Changed("q");

        IDisposable first = signals.Waiting("q");
        using IDisposable second = signals.Waiting("q");
        first.Dispose();
        first.Dispose();

        Assert.True(changed.IsCompleted);
        Assert.Equal(1, signals.WaitingCount("q"));
        Assert.Equal(0, signals.WaitingCount("other"));
    }

    [Fact]
    public void Expect_CompletesTheChangedTask_AndANewOneWaitsForTheNextChange()
    {
        var signals = new QueueSignals();
        Task before = signals.Changed("q");

        signals.Expect("q", T0, T0);
        Task after = signals.Changed("q");

        Assert.True(before.IsCompleted);
        Assert.False(after.IsCompleted);
    }
}
