using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Incidents;

/// <summary>Whether the day's summary was queued (the aggregate kind "daily-summary", id = the day, yyyy-MM-dd).</summary>
public sealed record DailySummaryState(string? Day, DateTimeOffset? QueuedAt)
{
    public static readonly DailySummaryState None = new(null, null);
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(QueueDailySummary), "queue")]
public abstract record DailySummaryCommand;

/// <summary>Queue the day's summary mail to <paramref name="To"/>; <paramref name="Body"/> is <see cref="DailySummary.Build"/>'s text.</summary>
public sealed record QueueDailySummary(string Day, IReadOnlyList<string> To, string Body) : DailySummaryCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(DailySummaryQueued), "queued")]
public abstract record DailySummaryEvent;

public sealed record DailySummaryQueued(string Day, DateTimeOffset At, IReadOnlyList<string> To) : DailySummaryEvent;

/// <summary>
/// The daily summary as a one-event aggregate: the decision commits the <c>ticket.notify</c> side effect through the
/// outbox with the event, so a send that fails (or a crash before it) is retried by the outbox sweeper instead of being
/// lost, and a second run on the same day is refused (or deduplicated by the inbox) instead of mailing twice.
/// </summary>
public sealed class DailySummaryDecider : IDecider<DailySummaryState, DailySummaryCommand, DailySummaryEvent>
{
    public const string AggregateKind = "daily-summary";
    public const string MailKind = "daily-summary";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateKind;

    public DailySummaryState Initial => DailySummaryState.None;

    public Result<Decision<DailySummaryEvent>> Decide(DailySummaryState state, DailySummaryCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (command is not QueueDailySummary queue)
        {
            return Result<Decision<DailySummaryEvent>>.Rejected($"Unknown daily summary command {command?.GetType().Name}.");
        }

        if (state.QueuedAt is { } at)
        {
            return Result<Decision<DailySummaryEvent>>.Rejected($"The daily summary of {state.Day} was already queued at {at:O}.");
        }

        IReadOnlyList<string> to = Addresses.Union([queue.To ?? []], []);
        if (to.Count == 0)
        {
            return Result<Decision<DailySummaryEvent>>.Rejected("to: the daily summary needs a recipient (incidents.teamList).");
        }

        var mail = new TicketNotification(0, "", MailKind, "internal", to, [], $"[hub] Daily summary {queue.Day}", queue.Body, null);
        var effect = new SideEffect(TicketDecider.NotifyEffect, JsonSerializer.Serialize(mail, Json));
        return Result<Decision<DailySummaryEvent>>.Ok(new Decision<DailySummaryEvent>([new DailySummaryQueued(queue.Day, now, to)], [effect]));
    }

    public DailySummaryState Evolve(DailySummaryState state, DailySummaryEvent @event) => @event switch
    {
        DailySummaryQueued q => new DailySummaryState(q.Day, q.At),
        _ => state,
    };

    public Result<DailySummaryCommand> OnTimer(DailySummaryState state, TimerFired timer) =>
        Result<DailySummaryCommand>.Rejected("Daily summaries set no timers.");

    public string? StateName(DailySummaryState state) => state?.QueuedAt is null ? null : "queued";
}
