using System.Globalization;
using Azure.Data.Tables;
using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using Hub.Domain.Rota;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Functions.Notifications;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Incidents;

/// <summary>
/// The steps of the daily status run (default 09:00 on weekdays in the hub's time zone, Hub__DailyStatusSchedule), which
/// the <c>DailyStatusRun</c> orchestration (<see cref="DailyStatusFunctions"/>) calls as activities: <see cref="PlanAsync"/>
/// lists the open urgent incidents; <see cref="IncidentAsync"/>, once per incident, mails its Recipient List its status
/// and what changed in 24 hours and reminds a silent Tech Lead and their lead (a <see cref="SendDailyStatus"/> command,
/// deduplicated per day by the inbox and refused by the decider after the day's first); <see cref="SummaryAsync"/> then
/// sends one summary to the team list, with the changes scheduled to start in the next 24 hours (a <see cref="QueueDailySummary"/> command to the "daily-summary" aggregate of the
/// day, whose decision commits the mail through the outbox). Every step is idempotent, as activities must be.
/// </summary>
public sealed class DailyStatusHandler(
    AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent> incidents,
    AggregateProcessor<DailySummaryState, DailySummaryCommand, DailySummaryEvent> summaries,
    AggregateStore store,
    DurableStorage storage,
    HubConfiguration config,
    HubHostInfo host,
    TimeProvider clock,
    EffectRetryPolicy retry,
    ILogger<DailyStatusHandler> logger)
{
    public const string DefaultSchedule = "0 0 9 * * 1-5";

    /// <summary>
    /// Starts the run due now (the day in the hub's time zone, ending at this instant) as the day's orchestration, unless
    /// that day's exists already: what the DailyStatus timer does on each firing.
    /// </summary>
    public async Task<(DailyStatusRun Run, bool Started)> StartTodayAsync(IOrchestrationStarter starter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(starter);
        DateTimeOffset now = clock.GetUtcNow();
        string day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, host.TimeZone).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var input = new DailyStatusInput(new DailyStatusRun(day, now), retry);
        bool started = await starter.StartAsync(DailyStatusFunctions.Orchestrator, input.Run.InstanceId, input, ct);
        return (input.Run, started);
    }

    /// <summary>The open urgent incidents, by ticket number: one <see cref="IncidentAsync"/> each.</summary>
    public async Task<long[]> PlanAsync(DailyStatusRun run, CancellationToken ct)
    {
        List<IncidentState> all = await RelevantIncidentsAsync(run, ct);
        return [.. all.Where(i => i.IsOpen && i.Kind == IncidentKinds.Urgent).Select(i => i.Ticket).Order()];
    }

    /// <summary>One incident's daily status; throws when it could not be applied, so that its activity is retried.</summary>
    public async Task<DailyStatusOutcome> IncidentAsync(DailyStatusRun run, long ticket, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await storage.EnsureAsync(ct);
        CommandOutcome<IncidentState> outcome = await incidents.HandleAsync(
            ticket.ToString(CultureInfo.InvariantCulture), $"daily-{run.Day}", new SendDailyStatus(Actor.System, run.Day), "daily-status", ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            logger.LogWarning("Daily status of incident #{Ticket} refused: {Reason}", ticket, outcome.Reason);
            return DailyStatusOutcome.Refused;
        }

        // Applied, or a duplicate: an earlier attempt of this activity (or a restart of the day's run) sent it. The rule the
        // incident applied, close enough in time to the state it decided on (only the run's clock differs).
        return IncidentDecider.TechLeadSilent(outcome.State, run.At) ? DailyStatusOutcome.SentWithReminder : DailyStatusOutcome.Sent;
    }

    /// <summary>The day's summary to the team list, with the tickets read for it.</summary>
    public async Task<DailySummaryOutcome> SummaryAsync(DailyStatusRun run, CancellationToken ct)
    {
        // Read again, not carried from the plan: the summary shows the incidents as the status mails left them.
        List<IncidentState> all = await RelevantIncidentsAsync(run, ct);
        (List<ReleaseMove> moved, int tickets) = await ReleasesMovedAsync(run.At, ct);
        List<ChangeState> changes = await ChangesAsync(ct);
        bool sent = await QueueSummaryAsync(run.Day, run.At, all, moved, changes, ct);
        return new DailySummaryOutcome(sent, tickets);
    }

    // Only what the run can use is read: open incidents, and those whose state changed in the last 24 hours (the
    // summary's "resolved in the last 24 hours"); the rest stay in storage.
    private async Task<List<IncidentState>> RelevantIncidentsAsync(DailyStatusRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await storage.EnsureAsync(ct);
        string relevant = StateRows.StateNameIn(IncidentStatus.Paging, IncidentStatus.Acknowledged, IncidentStatus.Resolving, IncidentStatus.HandingOff)
            + " or " + StateRows.UpdatedSince(run.At - TimeSpan.FromHours(24));
        var all = new List<IncidentState>();
        await foreach (IncidentState incident in StateRows.MatchingAsync<IncidentState>(store, IncidentDecider.AggregateKind, relevant, ct))
        {
            all.Add(incident);
        }

        return all;
    }

    /// <summary>Tickets of queues on a lifecycle named "release" whose status changed in the 24 hours before <paramref name="now"/>.</summary>
    private async Task<(List<ReleaseMove> Moved, int Tickets)> ReleasesMovedAsync(DateTimeOffset now, CancellationToken ct)
    {
        var releaseQueues = new HashSet<string>(
            config.Queues.Where(q => string.Equals(q.Lifecycle, "release", StringComparison.OrdinalIgnoreCase)).Select(q => q.Name), StringComparer.OrdinalIgnoreCase);
        var moved = new List<ReleaseMove>();
        int count = 0;
        DateTimeOffset since = now - TimeSpan.FromHours(24);
        // A status change rewrites the ticket's state row, so a ticket whose row is older than 24 hours cannot have moved.
        await foreach (TicketState ticket in StateRows.MatchingAsync<TicketState>(store, TicketDecider.AggregateKind, StateRows.UpdatedSince(since), ct))
        {
            count++;
            if (releaseQueues.Contains(ticket.Queue) && ticket.StatusSince > since && ticket.StatusSince > ticket.CreatedAt)
            {
                moved.Add(new ReleaseMove(ticket.Number, ticket.Subject, ticket.Status, ticket.StatusSince));
            }
        }

        return (moved, count);
    }

    // Every change row: a waiting change's state name carries its tier ("WaitingForWindow PROD"), so no StateName filter
    // picks them out in storage; the summary keeps those starting in the next 24 hours (ChangeCalendar.Scheduled).
    private async Task<List<ChangeState>> ChangesAsync(CancellationToken ct)
    {
        var changes = new List<ChangeState>();
        await foreach (ChangeState change in StateRows.AllAsync<ChangeState>(store, ChangeDecider.AggregateKind, ct))
        {
            if (change.Exists)
            {
                changes.Add(change);
            }
        }

        return changes;
    }

    private async Task<bool> QueueSummaryAsync(
        string day, DateTimeOffset now, List<IncidentState> all, List<ReleaseMove> moved, List<ChangeState> changes, CancellationToken ct)
    {
        if (config.Incidents.TeamList is not { } team || config.Contacts(team) is not { } list)
        {
            logger.LogWarning("No team list (incidents.teamList) is configured; the daily summary is not sent");
            return false;
        }

        RotaOnCall[] onCall = [.. config.Rotas.Where(r => r.Members.Count > 0).Select(r => new RotaOnCall(r.Name, OnCall.At(r, now)))];
        string body = DailySummary.Build(day, now, all, moved, changes, onCall);
        // The mail is committed through the outbox with the aggregate's event: it goes after the commit, a transient failure
        // is retried by the commit's Effects_Retry orchestration, and the day's id makes a second attempt a no-op (the
        // inbox deduplicates the message id, the decider refuses a second summary).
        CommandOutcome<DailySummaryState> outcome = await summaries.HandleAsync(
            day, $"daily-summary-{day}", new QueueDailySummary(day, [list.Address], body), "daily-status", ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            logger.LogInformation("Daily summary {Day} not queued: {Reason}", day, outcome.Reason);
        }

        // A duplicate is this day's summary queued by an earlier attempt of the activity (or of the day's run).
        return outcome.Status is CommandStatus.Applied or CommandStatus.Duplicate;
    }
}

/// <summary>The run of the <c>DailyStatusRun</c> orchestration: the day it reports on, and the instant its 24 hours end.</summary>
public sealed record DailyStatusRun(string Day, DateTimeOffset At)
{
    /// <summary>One run per day: a second start on the same day (a second instance's timer, a restart) finds it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string InstanceId => "daily-status:" + Day;
}

public enum DailyStatusOutcome
{
    Sent,
    SentWithReminder,
    Refused,
}

public sealed record DailySummaryOutcome(bool Sent, int Tickets);

/// <summary>What one run did, the output of its orchestration; <see cref="Failed"/> counts incidents whose daily status failed every attempt.</summary>
public sealed record DailyRun(string Day, int StatusMails, int Reminders, bool SummarySent, int Tickets)
{
    public int Failed { get; init; }
}
