using System.Globalization;
using System.Text.Json;
using Hub.Domain.Durable;
using Microsoft.Extensions.Logging;

namespace Hub.Storage.Durable;

/// <summary>
/// Applies commands to one kind of aggregate: load the state row, decide, commit state + events + outbox + inbox as one
/// transaction guarded by the ETag, then send the commit's effects to the work queue, where they run after the caller
/// has its answer (<see cref="WorkDispatcher"/>), or run them at once in a background function (<see cref="InlineEffects"/>). A conflict re-reads and re-decides; a message already in the inbox is a
/// no-op.
/// </summary>
public sealed class AggregateProcessor<TState, TCommand, TEvent>(
    IDecider<TState, TCommand, TEvent> decider,
    AggregateStore store,
    WorkQueue work,
    TimeProvider clock,
    ILogger<AggregateProcessor<TState, TCommand, TEvent>> logger) : IAggregateHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => decider.Kind;

    /// <summary>How many times a command is re-decided after losing a race before the caller gets an error.</summary>
    public int MaxAttempts { get; init; } = 200;

    /// <summary>Off only in tests that simulate a crash between the commit and sending its effects.</summary>
    public bool SendEffectsAfterCommit { get; init; } = true;

    public string PartitionOf(string aggregateId) => $"{Kind}:{TableKey.Escape(aggregateId)}";

    public async Task<AggregateView<TState>?> GetAsync(string aggregateId, CancellationToken cancellationToken = default)
    {
        AggregateSnapshot? snapshot = await store.LoadAsync(PartitionOf(aggregateId), cancellationToken).ConfigureAwait(false);
        return snapshot is null ? null : new AggregateView<TState>(aggregateId, ReadState(snapshot), snapshot.Sequence, snapshot.StateName)
        {
            Basis = new AggregateBasis(snapshot),
        };
    }

    public Task<HistoryPage> HistoryAsync(string aggregateId, string? continuationToken = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        store.HistoryAsync(PartitionOf(aggregateId), continuationToken, pageSize, cancellationToken);

    /// <summary>Every event of the aggregate, oldest first, read page by page.</summary>
    public async Task<IReadOnlyList<EventRecord>> AllHistoryAsync(string aggregateId, CancellationToken cancellationToken = default)
    {
        var history = new List<EventRecord>();
        string? token = null;
        do
        {
            HistoryPage page = await HistoryAsync(aggregateId, token, 500, cancellationToken).ConfigureAwait(false);
            history.AddRange(page.Events);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return history;
    }

    /// <param name="messageId">The id that makes redelivery a no-op; null for a command that is not deduplicated.</param>
    public Task<CommandOutcome<TState>> HandleAsync(
        string aggregateId, string? messageId, TCommand command, string actor, CancellationToken cancellationToken = default) =>
        ApplyAsync(aggregateId, messageId, actor, (state, _, now) => decider.Decide(state, command, now), null, cancellationToken);

    /// <summary>
    /// Like <see cref="HandleAsync(string, string?, TCommand, string, CancellationToken)"/>, but the first attempt is
    /// decided on <paramref name="basis"/> instead of a fresh read (a previous outcome's <see cref="CommandOutcome{TState}.Basis"/>,
    /// or <see cref="AggregateBasis.Absent"/> for an aggregate the caller expects to create). A stale basis costs a
    /// retry, never a wrong commit: the commit is guarded by the basis's ETag (or inserts the state row, which fails if
    /// it exists), and a refusal decided on a basis is decided again on a fresh read before anyone hears of it.
    /// </summary>
    public Task<CommandOutcome<TState>> HandleAsync(
        string aggregateId, string? messageId, TCommand command, string actor, AggregateBasis? basis, CancellationToken cancellationToken = default) =>
        ApplyAsync(aggregateId, messageId, actor, (state, _, now) => decider.Decide(state, command, now), basis, cancellationToken);

    public Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken) =>
        HandleJsonAsync(aggregateId, messageId, commandJson, actor, null, cancellationToken);

    public Task<CommandStatus> HandleNewJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken) =>
        HandleJsonAsync(aggregateId, messageId, commandJson, actor, AggregateBasis.Absent, cancellationToken);

    public async Task<CommandReport> HandleJsonReportingAsync(
        string aggregateId, string messageId, string commandJson, string actor, bool creates, CancellationToken cancellationToken)
    {
        CommandOutcome<TState> outcome = await HandleQueuedAsync(
            aggregateId, messageId, commandJson, actor, creates ? AggregateBasis.Absent : null, cancellationToken).ConfigureAwait(false);
        return new CommandReport(outcome.Status, outcome.Reason, outcome.Changes);
    }

    private async Task<CommandStatus> HandleJsonAsync(
        string aggregateId, string messageId, string commandJson, string actor, AggregateBasis? basis, CancellationToken cancellationToken) =>
        (await HandleQueuedAsync(aggregateId, messageId, commandJson, actor, basis, cancellationToken).ConfigureAwait(false)).Status;

    private async Task<CommandOutcome<TState>> HandleQueuedAsync(
        string aggregateId, string messageId, string commandJson, string actor, AggregateBasis? basis, CancellationToken cancellationToken)
    {
        TCommand command = JsonSerializer.Deserialize<TCommand>(commandJson, Json)
            ?? throw new FormatException($"The command for {Kind} {aggregateId} is null.");
        CommandOutcome<TState> outcome = await HandleAsync(aggregateId, messageId, command, actor, basis, cancellationToken).ConfigureAwait(false);
        if (outcome.Status == CommandStatus.Rejected)
        {
            logger.LogWarning("{Kind} {AggregateId} refused queued command {MessageId}: {Reason}", Kind, aggregateId, messageId, outcome.Reason);
        }

        return outcome;
    }

    public async Task<CommandStatus> FireTimerAsync(AggregateTimer timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        string aggregateId = timer.AggregateId;
        string payload = timer.Payload;
        CommandOutcome<TState> outcome = await ApplyAsync(
            aggregateId,
            "timer-" + timer.Token,
            "timer",
            (state, timers, _) =>
            {
                if (!timers.TryGetValue(timer.Name, out TimerSlot? slot) || slot.Token != timer.Token)
                {
                    return null; // cancelled or superseded
                }

                timers.Remove(timer.Name);
                Result<TCommand> command = decider.OnTimer(state, new TimerFired(timer.Name, payload, timer.DueAt));
                if (!command.IsOk)
                {
                    // The timer is consumed either way; the refusal is logged, not retried.
                    logger.LogWarning("{Kind} {AggregateId} refused timer {Timer}: {Reason}", Kind, aggregateId, timer.Name, command.Reason);
                    return Result<Decision<TEvent>>.Ok(new Decision<TEvent>([]));
                }

                Result<Decision<TEvent>> decided = decider.Decide(state, command.Value!, clock.GetUtcNow());
                if (!decided.IsOk)
                {
                    logger.LogWarning("{Kind} {AggregateId} refused the command of timer {Timer}: {Reason}", Kind, aggregateId, timer.Name, decided.Reason);
                    return Result<Decision<TEvent>>.Ok(new Decision<TEvent>([]));
                }

                return decided;
            },
            null,
            cancellationToken).ConfigureAwait(false);
        return outcome.Status;
    }

    private async Task<CommandOutcome<TState>> ApplyAsync(
        string aggregateId,
        string? inboxId,
        string actor,
        Func<TState, Dictionary<string, TimerSlot>, DateTimeOffset, Result<Decision<TEvent>>?> decide,
        AggregateBasis? basis,
        CancellationToken cancellationToken)
    {
        string partition = PartitionOf(aggregateId);
        // Attempts of this call that sent a commit with outbox rows and heard of a conflict: the storage client may have
        // sent the batch twice after losing the first answer, and then the conflict hides that the first one landed.
        HashSet<string>? conflicted = null;
        for (int attempt = 1; ; attempt++)
        {
            // Only the first attempt may use the caller's basis; every retry reads what is stored now.
            bool fromBasis = basis is not null;
            AggregateSnapshot? snapshot = basis is not null ? basis.Snapshot : await store.LoadAsync(partition, cancellationToken).ConfigureAwait(false);
            basis = null;
            TState state = snapshot is null ? decider.Initial : ReadState(snapshot);
            long sequence = snapshot?.Sequence ?? 0;
            var timers = new Dictionary<string, TimerSlot>(snapshot?.Timers ?? new Dictionary<string, TimerSlot>(), StringComparer.Ordinal);
            DateTimeOffset now = clock.GetUtcNow();

            Result<Decision<TEvent>>? result = decide(state, timers, now);
            if (result is not { IsOk: true } ok)
            {
                if (fromBasis)
                {
                    continue; // refused on what the caller believed: decide again on what is stored
                }

                // A redelivered message may be refused now only because it already took effect: report that truthfully.
                // Inbox rows are only ever written in the same transaction as the state row, and state rows are never
                // deleted, so a partition without a state row has no inbox to look in.
                InboxEntry? applied = inboxId is not null && snapshot is not null
                    ? await store.InboxAsync(partition, inboxId, cancellationToken).ConfigureAwait(false)
                    : null;
                await RecoverOwnCommitAsync(partition, aggregateId, applied, conflicted, cancellationToken).ConfigureAwait(false);
                CommandStatus status = applied is not null ? CommandStatus.Duplicate : result is null ? CommandStatus.Dropped : CommandStatus.Rejected;
                return new CommandOutcome<TState>(status, state, sequence, result?.Reason) { Basis = new AggregateBasis(snapshot) };
            }

            Decision<TEvent> decision = ok.Value!;
            var events = new List<EventRecord>(decision.Events.Count);
            string? fromName = decider.StateName(state);
            foreach (TEvent e in decision.Events)
            {
                state = decider.Evolve(state, e);
                string? toName = decider.StateName(state);
                events.Add(new EventRecord(++sequence, e!.GetType().Name, actor, now, fromName, toName, JsonSerializer.Serialize(e, Json)));
                fromName = toName;
            }

            var outboxRows = new List<OutboxRecord>();
            string commitId = Guid.NewGuid().ToString("N");
            string OutboxId() => $"{sequence.ToString("D19", CultureInfo.InvariantCulture)}-{outboxRows.Count:D2}-{commitId}";
            foreach (string name in decision.CancelTimers)
            {
                timers.Remove(name);
            }

            // A name set twice in one decision: the last one counts, as it does in the slots.
            foreach (TimerRequest timer in decision.Timers.Where((t, i) => !decision.Timers.Skip(i + 1).Any(later => later.Name == t.Name)))
            {
                // The token is the timer orchestration's instance id, made of the business id, the timer and the commit
                // that set it (incident:42:escalation:7): one commit per sequence, so no two timers share it. A commit
                // without events keeps the sequence of the one before it, and there this attempt's id tells them apart.
                string token = events.Count > 0
                    ? $"{partition}:{timer.Name}:{sequence.ToString(CultureInfo.InvariantCulture)}"
                    : $"{partition}:{timer.Name}:{sequence.ToString(CultureInfo.InvariantCulture)}-{commitId[..8]}";
                timers[timer.Name] = new TimerSlot(token, timer.DueAt);
                var start = new AggregateTimer(Kind, aggregateId, timer.Name, token, timer.DueAt, timer.Payload);
                outboxRows.Add(new OutboxRecord(OutboxId(), AggregateTimer.EffectKind, JsonSerializer.Serialize(start, Json), now));
            }

            foreach (SideEffect effect in decision.Effects)
            {
                outboxRows.Add(new OutboxRecord(OutboxId(), effect.Kind, effect.Payload, now));
            }

            var commit = new AggregateCommit(
                partition, snapshot?.ETag, sequence, JsonSerializer.Serialize(state, Json), decider.StateName(state), timers, events, outboxRows, inboxId, now)
            {
                Attempt = commitId,
                Columns = decider.Columns(state),
            };
            CommitOutcome committed;
            try
            {
                committed = await store.CommitAsync(commit, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (SendEffectsAfterCommit && outboxRows.Count > 0)
            {
                // Cancelled or failed with the outcome unknown: storage may have applied the batch all the same, and the
                // sender's retry will be a duplicate that sends nothing. Queue the effects now, without waiting for
                // storage that may be hanging. The message names this attempt's rows: if they were not committed (or
                // a retry committed the same sequence with rows of its own), it finds none and is done.
                _ = SendEffectsAsync(aggregateId, sequence, commitId);
                throw;
            }

            switch (committed)
            {
                case CommitOutcome.Committed:
                    if (SendEffectsAfterCommit && outboxRows.Count > 0)
                    {
                        // A new aggregate has no earlier commits whose rows could be pending: its rows are all there is.
                        await AfterCommitAsync(partition, aggregateId, sequence, snapshot is null ? outboxRows : null, cancellationToken).ConfigureAwait(false);
                    }

                    return new CommandOutcome<TState>(CommandStatus.Applied, state, sequence)
                    {
                        Changes = [.. events.Select(e => e.Type)],
                        Commands = decision.Effects.Count(e => e.Kind == AggregateCommand.EffectKind),
                    };
                case CommitOutcome.Duplicate:
                    if (conflicted is not null)
                    {
                        InboxEntry? applied = await store.InboxAsync(partition, inboxId!, cancellationToken).ConfigureAwait(false);
                        await RecoverOwnCommitAsync(partition, aggregateId, applied, conflicted, cancellationToken).ConfigureAwait(false);
                    }

                    return new CommandOutcome<TState>(CommandStatus.Duplicate, snapshot is null ? decider.Initial : ReadState(snapshot), snapshot?.Sequence ?? 0);
                default:
                    if (outboxRows.Count > 0)
                    {
                        (conflicted ??= new HashSet<string>(StringComparer.Ordinal)).Add(commitId);
                    }

                    if (attempt >= MaxAttempts)
                    {
                        throw new InvalidOperationException($"{Kind} {aggregateId}: gave up after {attempt} conflicting concurrent writes.");
                    }

                    // Spread racing writers apart a little; the loser re-reads the winner's state.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Min(5 * attempt, 50))), clock, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>
    /// The message was applied before. If one of this call's own attempts applied it (see <c>conflicted</c>), nobody has
    /// run or queued that commit's effects: do it now. Another writer's commit of the message had its effects queued by
    /// that writer.
    /// </summary>
    private async Task RecoverOwnCommitAsync(
        string partition, string aggregateId, InboxEntry? applied, HashSet<string>? conflicted, CancellationToken cancellationToken)
    {
        if (SendEffectsAfterCommit && applied?.Attempt is { } attempt && conflicted?.Contains(attempt) == true)
        {
            await AfterCommitAsync(partition, aggregateId, applied.Sequence, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the commit's effects where the caller is when that is a background function (<see cref="InlineEffects"/>),
    /// else hands them to the work queue. The command is committed either way: a failure to start them is logged and
    /// left to the queue, then to the relay, never reported as a failure of the command.
    /// </summary>
    /// <param name="onlyRows">Every row still pending in the partition, when the caller knows them (a new aggregate's
    /// first commit); they are then run without reading them back.</param>
    private async Task AfterCommitAsync(
        string partition, string aggregateId, long sequence, IReadOnlyList<OutboxRecord>? onlyRows, CancellationToken cancellationToken)
    {
        if (InlineEffects.Current is { } run)
        {
            try
            {
                await run(partition, sequence, onlyRows, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "{Kind} {AggregateId}: the effects of commit {Sequence} could not run; they are queued", Kind, aggregateId, sequence);
            }
        }

        await SendEffectsAsync(aggregateId, sequence).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands the commit's outbox rows to the work queue. The command is committed whatever happens here: if the send
    /// fails (storage went away between the two), the caller still hears that it was applied, and the relay finds the
    /// rows later (<see cref="OutboxDispatcher.RelayAsync"/>).
    /// </summary>
    /// <param name="commitId">Only the rows this attempt wrote (see <see cref="OutboxRecord.Commit"/>); null for all of the sequence's.</param>
    private async Task SendEffectsAsync(string aggregateId, long sequence, string? commitId = null)
    {
        string seq = sequence.ToString(CultureInfo.InvariantCulture);
        try
        {
            var message = new WorkMessage(
                $"effects-{Kind}-{aggregateId}-{seq}", WorkMessage.EffectsKind, Kind, aggregateId, commitId is null ? seq : $"{seq}:{commitId}");
            await work.SendAsync(message, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "{Kind} {AggregateId}: the effects of commit {Sequence} could not be queued; the outbox relay will run them", Kind, aggregateId, seq);
        }
    }

    private TState ReadState(AggregateSnapshot snapshot) => JsonSerializer.Deserialize<TState>(snapshot.StateJson, Json) ?? decider.Initial;
}
