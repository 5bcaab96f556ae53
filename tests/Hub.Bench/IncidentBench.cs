using System.Diagnostics;
using System.Globalization;
using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using Hub.Functions.Hosting;
using Hub.Functions.Incidents;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// The incident playbook on a real hub (in process, Azurite): 1,000 incidents opened at once whose first escalation
/// deadline falls in the same second (lateness of the page to the next level), and the daily status run over 10,000
/// tickets with open incidents among them.
/// </summary>
internal static class IncidentBench
{
    public static async Task RunAsync()
    {
        await EscalationAsync();
        await DailyRunAsync();
    }

    private static async Task EscalationAsync()
    {
        const int incidents = 1000;
        string shipped = await File.ReadAllTextAsync(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));
        string config = Path.Combine(Path.GetTempPath(), Azurite.UniqueName("bench") + ".yaml");
        // Deadlines 30 s after opening, so all 1,000 are open before the first falls due.
        await File.WriteAllTextAsync(config, shipped.Replace("ackWithin: 15m", "ackWithin: 30s", StringComparison.Ordinal));
        WebApplication app = await StartAsync(config);
        try
        {
            var processor = app.Services.GetRequiredService<AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent>>();
            await app.Services.GetRequiredService<Hub.Functions.Durable.DurableStorage>().EnsureAsync(CancellationToken.None);
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(1, incidents), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
                await processor.HandleAsync(Id(i), "open", new OpenIncident(Actor.System, i, "ProductionDefect", $"Bench incident {i}", "archive"), "bench", ct));
            Report.Rate("incidents opened (page + notice + timer)", incidents, sw.Elapsed, "incidents");
            if (sw.Elapsed > TimeSpan.FromSeconds(30))
            {
                Report.Line("incident escalation timers", "opening took longer than the 30 s deadline; lateness not measured");
                return;
            }

            var lateness = new System.Collections.Concurrent.ConcurrentBag<double>();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            var pending = new HashSet<int>(Enumerable.Range(1, incidents));
            // Each page records when it happened, so the bench need not watch it happen: reading 1,000 states a second
            // while the deadlines fall would compete with the hub for the same Azurite. Look once the last is due.
            // The last incident opened just now, so its deadline is 30 s away.
            await Task.Delay(TimeSpan.FromSeconds(32));
            while (pending.Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(2000);
                await Parallel.ForEachAsync(pending.ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
                {
                    IncidentState state = (await processor.GetAsync(Id(i), ct))!.State;
                    if (state.Pages.Count >= 2)
                    {
                        lateness.Add((state.Pages[1].At - state.Pages[0].Deadline).TotalMilliseconds);
                        lock (pending)
                        {
                            pending.Remove(i);
                        }
                    }
                });
            }

            double[] sorted = [.. lateness.Order()];
            Report.Line(
                "incident escalation, 1,000 first deadlines",
                $"escalated {sorted.Length}; lateness p50 {Report.Percentile(sorted, 50):F0} ms, p99 {Report.Percentile(sorted, 99):F0} ms, max {sorted.LastOrDefault():F0} ms",
                "p99 <= 1000 ms");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task DailyRunAsync()
    {
        const int tickets = 10_000;
        const int urgent = 50;
        WebApplication app = await StartAsync(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));
        try
        {
            var ticketProcessor = app.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>();
            await app.Services.GetRequiredService<Hub.Functions.Durable.DurableStorage>().EnsureAsync(CancellationToken.None);
            var actor = new Actor("bench", Role.Operator);
            var sw = Stopwatch.StartNew();
            // Every 200th ticket is Urgent and opens its incident: 50 open incidents among 10,000 tickets.
            await Parallel.ForEachAsync(Enumerable.Range(1, tickets), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
                await ticketProcessor.HandleAsync(Id(i), "create", new CreateTicket(
                    actor, i, "ProductionDefect", $"Ticket {i}", "body",
                    Classification: i % (tickets / urgent) == 0 ? AlertClassification.Urgent : AlertClassification.Informational), "bench", ct));
            Report.Rate("  seeding tickets", tickets, sw.Elapsed, "tickets");

            // The DailyStatus timer's start, then its orchestration to the end: listing, the incidents fanned out, the summary.
            var handler = app.Services.GetRequiredService<DailyStatusHandler>();
            var client = app.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
            sw.Restart();
            (DailyStatusRun today, _) = await handler.StartTodayAsync(new Hub.Functions.Durable.DurableStarter(client), CancellationToken.None);
            Microsoft.DurableTask.Client.OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(today.InstanceId, getInputsAndOutputs: true);
            DailyRun run = done.ReadOutputAs<DailyRun>() ?? throw new InvalidOperationException($"The daily status run ended {done.RuntimeStatus}.");
            Report.Line(
                "daily status run over 10,000 tickets",
                string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds:F2} s ({run.Tickets} tickets read, {run.StatusMails} incident mails, {run.Reminders} reminders, summary {(run.SummarySent ? "sent" : "not sent")})"),
                "<= 5 s");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<WebApplication> StartAsync(string config)
    {
        Azurite azurite = await Azurite.SharedAsync();
        WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions
        {
            Settings = SourceSecrets.With(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Hub__AdminKey"] = Guid.NewGuid().ToString("N"),
                ["Hub__Urls"] = $"http://127.0.0.1:{Azurite.FreePort()}",
                ["Hub__DurableName"] = Azurite.UniqueName("b"),
                ["Hub__Config"] = config,
                ["Hub__FunctionsRoot"] = Path.Combine(Azurite.RepositoryRoot(), "functions"),
                ["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *",
                ["Logging__LogLevel__Default"] = "Error",
            }),
        });
        await app.StartAsync();
        return app;
    }

    private static string Id(int i) => i.ToString(CultureInfo.InvariantCulture);
}
