using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Incidents;

/// <summary>The DailyStatus timer (Hub__DailyStatusSchedule, default 09:00 on weekdays): <see cref="DailyStatusHandler"/> does the run.</summary>
public sealed class DailyStatusFunctions(DailyStatusHandler daily, ILogger<DailyStatusFunctions> logger)
{
    [Function("DailyStatus")]
    public async Task RunAsync([TimerTrigger("%Hub__DailyStatusSchedule%", RunOnStartup = false, UseMonitor = true)] TimerInfo timer, CancellationToken ct)
    {
        DailyStatusHandler.DailyRun run = await daily.RunAsync(ct);
        logger.LogInformation(
            "Daily status {Day}: {StatusMails} incident status mails, {Reminders} Tech Lead reminders, {Failed} incidents failed, summary {Summary}; {Tickets} tickets read.",
            run.Day, run.StatusMails, run.Reminders, run.Failed, run.SummarySent ? "queued" : "not queued (already queued, or no team list)", run.Tickets);
    }
}
