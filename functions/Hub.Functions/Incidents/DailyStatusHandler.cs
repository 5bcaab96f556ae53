using System.Globalization;
using Azure.Data.Tables;
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
/// The run of the DailyStatus timer function (<see cref="DailyStatusFunctions"/>; default 09:00 on weekdays in the hub's time zone, Hub__DailyStatusSchedule): each open
/// urgent incident mails its Recipient List its status and what changed in 24 hours and reminds a silent Tech Lead and
/// their lead (a <see cref="SendDailyStatus"/> command per incident, deduplicated per day by the inbox; one incident
/// that fails is logged and the others still go), then one summary goes to the team list: a <see cref="QueueDailySummary"/>
/// command to the "daily-summary" aggregate of the day, whose decision commits the mail through the outbox, so a failed
/// send is retried by the outbox sweeper and a second run on the same day sends nothing.
/// </summary>
public sealed class DailyStatusHandler(
    AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent> incidents,
    AggregateProcessor<DailySummaryState, DailySummaryCommand, DailySummaryEvent> summaries,
    AggregateStore store,
    DurableStorage storage,
    HubConfiguration config,
    HubHostInfo host,
    TimeProvider clock,
    ILogger<DailyStatusHandler> logger)
{
    public const string DefaultSchedule = "0 0 9 * * 1-5";

    public async Task<DailyRun> RunAsync(CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        DateTimeOffset now = clock.GetUtcNow();
        string day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, host.TimeZone).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // Only what the run can use is read: open incidents, and those whose state changed in the last 24 hours (the
        // summary's "resolved in the last 24 hours"); the rest stay in storage.
        DateTimeOffset since = now - TimeSpan.FromHours(24);
        string relevant = StateRows.StateNameIn(IncidentStatus.Paging, IncidentStatus.Acknowledged, IncidentStatus.Resolving, IncidentStatus.HandingOff)
            + " or " + StateRows.UpdatedSince(since);
        var all = new List<IncidentState>();
        await foreach (IncidentState incident in StateRows.MatchingAsync<IncidentState>(store, IncidentDecider.AggregateKind, relevant, ct))
        {
            all.Add(incident);
        }

        int statusMails = 0, reminders = 0, failed = 0;
        await Parallel.ForEachAsync(all.Where(i => i.IsOpen && i.Kind == IncidentKinds.Urgent), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (incident, token) =>
        {
            string id = incident.Ticket.ToString(CultureInfo.InvariantCulture);
            CommandOutcome<IncidentState> outcome;
            try
            {
                outcome = await incidents.HandleAsync(id, $"daily-{day}", new SendDailyStatus(Actor.System, day), "daily-status", token);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                // One incident's failure (storage, a broken row) must not cancel the others or the summary; the next run
                // (or a manual re-run the same day: the inbox skips the incidents that went) picks it up.
                Interlocked.Increment(ref failed);
                logger.LogError(ex, "Daily status of incident #{Ticket} failed", incident.Ticket);
                return;
            }

            if (outcome.Status == CommandStatus.Applied)
            {
                Interlocked.Increment(ref statusMails);
                // The rule the incident applied (close enough in time to the state it decided on: only the run's clock differs).
                if (IncidentDecider.TechLeadSilent(incident, now))
                {
                    Interlocked.Increment(ref reminders);
                }
            }
            else if (outcome.Status == CommandStatus.Rejected)
            {
                logger.LogWarning("Daily status of incident #{Ticket} refused: {Reason}", incident.Ticket, outcome.Reason);
            }
        });

        (List<ReleaseMove> moved, int tickets) = await ReleasesMovedAsync(now, ct);
        bool sent = await QueueSummaryAsync(day, now, all, moved, ct);
        return new DailyRun(day, statusMails, reminders, sent, tickets) { Failed = failed };
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

    private async Task<bool> QueueSummaryAsync(string day, DateTimeOffset now, List<IncidentState> all, List<ReleaseMove> moved, CancellationToken ct)
    {
        if (config.Incidents.TeamList is not { } team || config.Contacts(team) is not { } list)
        {
            logger.LogWarning("No team list (incidents.teamList) is configured; the daily summary is not sent");
            return false;
        }

        RotaOnCall[] onCall = [.. config.Rotas.Where(r => r.Members.Count > 0).Select(r => new RotaOnCall(r.Name, OnCall.At(r, now)))];
        string body = DailySummary.Build(day, now, all, moved, onCall);
        // The mail is committed through the outbox with the aggregate's event: the dispatcher sends it at once, a transient
        // failure (or a crash before the send completed) leaves the row for the outbox sweeper, and the day's id makes a
        // second run a no-op (the inbox deduplicates the message id, the decider refuses a second summary).
        CommandOutcome<DailySummaryState> outcome = await summaries.HandleAsync(
            day, $"daily-summary-{day}", new QueueDailySummary(day, [list.Address], body), "daily-status", ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            logger.LogInformation("Daily summary {Day} not queued: {Reason}", day, outcome.Reason);
        }

        return outcome.Status == CommandStatus.Applied;
    }

    /// <summary>What one run did; <see cref="Failed"/> counts incidents whose daily status failed (logged, retried by a re-run).</summary>
    public sealed record DailyRun(string Day, int StatusMails, int Reminders, bool SummarySent, int Tickets)
    {
        public int Failed { get; init; }
    }
}
