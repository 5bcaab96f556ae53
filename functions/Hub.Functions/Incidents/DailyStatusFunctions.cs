using Hub.Functions.Durable;
using Hub.Storage.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Incidents;

/// <summary>
/// The daily status run as a Durable orchestration: the DailyStatus timer (Hub__DailyStatusSchedule, default 09:00 on
/// weekdays) starts the <c>DailyStatusRun</c> orchestration with the day as its instance id (<c>daily-status:2026-11-04</c>), so a second
/// instance's firing or a restart of the host starts nothing; the orchestration fans out one activity per open urgent
/// incident, then sends the summary. An incident that fails every attempt is counted and logged, and the others and the
/// summary still go; an operator re-runs the day with <c>POST /api/admin/orchestrations/daily-status:{day}/restart?restartWithNewInstanceId=false</c>.
/// </summary>
public sealed class DailyStatusFunctions(DailyStatusHandler daily, ILogger<DailyStatusFunctions> logger)
{
    public const string Orchestrator = "DailyStatusRun";
    public const string PlanActivity = "DailyStatusRun_Plan";
    public const string IncidentActivity = "DailyStatusRun_Incident";
    public const string SummaryActivity = "DailyStatusRun_Summary";

    /// <summary>Tries per incident before it counts as failed (the first retry after Hub__EffectRetryDelay, then doubling).</summary>
    public const int IncidentAttempts = 3;

    [Function("DailyStatus")]
    public async Task RunAsync(
        [TimerTrigger("%Hub__DailyStatusSchedule%", RunOnStartup = false, UseMonitor = true)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken ct)
    {
        (DailyStatusRun run, bool started) = await daily.StartTodayAsync(new DurableStarter(client), ct);
        logger.LogInformation("Daily status {Day}: {Instance} {What}", run.Day, run.InstanceId, started ? "started" : "exists already (nothing started)");
    }

    [Function(Orchestrator)]
    public static async Task<DailyRun> RunOrchestrationAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        DailyStatusInput input = context.GetInput<DailyStatusInput>() ?? throw new InvalidOperationException("A daily status run needs its input.");
        DailyStatusRun run = input.Run;
        // Listing and the summary are waited for through a storage outage (the policy gives up after Hub__EffectGiveUpAfter).
        TaskOptions patient = EffectFunctions.Retry(input.Policy);
        TaskOptions perIncident = TaskOptions.FromRetryPolicy(new RetryPolicy(IncidentAttempts, input.Policy.FirstRetry, input.Policy.Backoff));

        long[] tickets = await context.CallActivityAsync<long[]>(PlanActivity, run, patient);
        context.SetCustomStatus($"{tickets.Length} incidents");
        DailyStatusOutcome?[] outcomes = await Task.WhenAll(tickets.Select(async ticket =>
        {
            try
            {
                return (DailyStatusOutcome?)await context.CallActivityAsync<DailyStatusOutcome>(IncidentActivity, new DailyStatusIncident(run, ticket), perIncident);
            }
            catch (TaskFailedException)
            {
                // Logged by the activity's host; the others and the summary still go.
                return null;
            }
        }));
        context.SetCustomStatus("summary");
        DailySummaryOutcome summary = await context.CallActivityAsync<DailySummaryOutcome>(SummaryActivity, run, patient);
        context.SetCustomStatus(null);
        return new DailyRun(
            run.Day,
            outcomes.Count(o => o is DailyStatusOutcome.Sent or DailyStatusOutcome.SentWithReminder),
            outcomes.Count(o => o is DailyStatusOutcome.SentWithReminder),
            summary.Sent,
            summary.Tickets)
        {
            Failed = outcomes.Count(o => o is null),
        };
    }

    [Function(PlanActivity)]
    public Task<long[]> PlanAsync([ActivityTrigger] DailyStatusRun run, CancellationToken ct) => daily.PlanAsync(run, ct);

    [Function(IncidentActivity)]
    public async Task<DailyStatusOutcome> IncidentAsync([ActivityTrigger] DailyStatusIncident incident, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(incident);
        try
        {
            return await daily.IncidentAsync(incident.Run, incident.Ticket, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Daily status {Day} of incident #{Ticket} failed", incident.Run.Day, incident.Ticket);
            throw;
        }
    }

    [Function(SummaryActivity)]
    public Task<DailySummaryOutcome> SummaryAsync([ActivityTrigger] DailyStatusRun run, CancellationToken ct) => daily.SummaryAsync(run, ct);
}

/// <summary>The orchestration's input: the run, and the hub's effect retry policy (an orchestrator reads no settings).</summary>
public sealed record DailyStatusInput(DailyStatusRun Run, EffectRetryPolicy Policy);

public sealed record DailyStatusIncident(DailyStatusRun Run, long Ticket);
