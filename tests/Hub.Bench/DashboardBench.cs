using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Tickets;
using Hub.Functions.Dashboard;
using Hub.Functions.Hosting;
using Hub.Functions.Notifications;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// Each dashboard page's render time on a real hub (in process, real Kestrel, Azurite) holding 10,000 tickets and 1,000
/// releases (HUB_BENCH_TICKETS, HUB_BENCH_RELEASES for a smaller smoke run). The releases come through the API, ten to a
/// major release, spread over Submitted, Unverified, InVerification, StageRollout (one holding each major's slot, one
/// Deferred behind it) and Production; each opens its ticket. The other tickets are created directly, every 200th
/// urgent, so 45 incidents are open. Once the effects have drained, every page is fetched with an app-admin session
/// (it sees every button), 5 times to warm up and 50 times measured, one at a time; then each list <c>/outbox</c>
/// reads, alone.
/// </summary>
internal static class DashboardBench
{
    private const string AdminKey = "bench-admin-key-0123456789abcdef";

    public static async Task RunAsync()
    {
        int releases = ReleaseBench.Count("HUB_BENCH_RELEASES", 1000);
        int tickets = ReleaseBench.Count("HUB_BENCH_TICKETS", 10000) - releases;
        int port = Azurite.FreePort();
        WebApplication app = await ReleaseBench.HubAsync(port, "Error", new Dictionary<string, string?>
        {
            ["Hub__ApiKeys__bench-admin"] = $"app-admin:{AdminKey}",
            ["Hub__DailyStatusSchedule"] = "0 0 0 1 1 *",
        });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromMinutes(2),
            };
            await app.Services.GetRequiredService<Hub.Functions.Durable.DurableStorage>().EnsureAsync(CancellationToken.None);
            var sw = Stopwatch.StartNew();
            long[] numbers = await SeedReleasesAsync(http, releases);
            Report.Rate("dashboard seed: releases through the API, spread over the states", releases, sw.Elapsed, "releases");

            var processor = app.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>();
            TicketNumbers ticketNumbers = app.Services.GetRequiredService<TicketNumbers>();
            var actor = new Actor("bench", Role.Operator);
            sw.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(1, tickets), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
            {
                long number = await ticketNumbers.NextAsync(ct);
                await processor.HandleAsync(number.ToString(CultureInfo.InvariantCulture), "create", new CreateTicket(
                    actor, number, i % 2 == 0 ? "Customer-Support" : "ProductionDefect", $"Ticket {i}", "body",
                    Classification: i % 200 == 0 ? AlertClassification.Urgent : AlertClassification.Informational), "bench", ct);
            });
            Report.Rate("dashboard seed: tickets (every 200th urgent)", tickets, sw.Elapsed, "tickets");
            TimeSpan? drained = await ReleaseEffects.DrainAsync(app.Services, TimeSpan.FromMinutes(10));
            Report.Line("dashboard seed: effects drained", drained is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:F1} s") : "not within 10 min");

            string cookie = await SignInAsync(http);
            string[] pages =
            [
                "/", "/releases", $"/releases/{numbers[3]}", "/tickets", "/tickets?status=resolved", "/tickets?q=Ticket%20777",
                $"/tickets/{tickets / 2}", "/changes", "/sites", "/metrics", "/metrics/repo.csv", "/outbox",
            ];
            Report.Line(string.Create(CultureInfo.InvariantCulture, $"dashboard pages, {tickets + releases} tickets, {releases} releases"), "p50 / p95 / max (50 GETs each, after 5)");
            foreach (string page in pages)
            {
                await MeasureAsync(http, cookie, page);
            }

            await MeasureOutboxPartsAsync(app.Services);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    // Ten releases to a major release: of each ten, two stay Submitted and two each move to Unverified, InVerification,
    // StageRollout and Production. Within a major the Production ones go first (they take the slot and free it), then
    // the StageRollout ones: the first holds the slot, the second waits Deferred behind it.
    private static async Task<long[]> SeedReleasesAsync(HttpClient http, int count)
    {
        var numbers = new long[count];
        var client = new ReleaseClient(http);
        await Parallel.ForEachAsync(Enumerable.Range(0, (count + 9) / 10), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (group, ct) =>
        {
            string major = $"major-{group.ToString(CultureInfo.InvariantCulture)}";
            int[] members = [.. Enumerable.Range(group * 10, Math.Min(10, count - group * 10))];
            foreach (int i in members)
            {
                numbers[i] = await ReleaseBench.SubmitAsync(http, i, major, ct);
            }

            bool slotTaken = false;
            foreach (int i in members.OrderByDescending(i => i % 5))
            {
                int moves = i % 5;
                for (int m = 0; m < moves; m++)
                {
                    (RolloutProgress to, string key) = ReleaseBench.Lifecycle[m];
                    bool deferred = to == RolloutProgress.StageRollout && moves == 3 && slotTaken;
                    await client.MoveAsync(numbers[i], to, key, ct, awaitSlot: !deferred);
                }

                slotTaken |= moves == 3;
            }
        });
        return numbers;
    }

    private static async Task<string> SignInAsync(HttpClient http)
    {
        using HttpResponseMessage response = await http.PostAsync(new Uri("/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = AdminKey, ["return"] = "/" }));
        string? setCookie = response.Headers.TryGetValues("Set-Cookie", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
        return response.StatusCode == HttpStatusCode.Redirect && setCookie is not null
            ? setCookie.Split(';')[0]
            : throw new InvalidOperationException($"sign-in: {(int)response.StatusCode}, no session cookie");
    }

    // Where /outbox's time goes: each of the four lists it reads, alone, as the page reads it.
    private static async Task MeasureOutboxPartsAsync(IServiceProvider services)
    {
        var outbox = services.GetRequiredService<BlobMailOutbox>();
        var store = services.GetRequiredService<AggregateStore>();
        var poison = services.GetRequiredService<PoisonStore>();
        var client = services.GetRequiredService<DurableTaskClient>();
        (string Name, Func<Task> Read)[] parts =
        [
            ("mail (OutboxListing.NewestAsync)", () => OutboxListing.NewestAsync(outbox, OutboxPages.Shown, CancellationToken.None)),
            ("failed effects", () => store.FailedOutboxAsync(OutboxPages.Shown, CancellationToken.None)),
            ("poison messages", () => poison.ListAsync(null, OutboxPages.Shown, CancellationToken.None)),
            ("failed orchestrations", () => OutboxPages.FailedOrchestrationsAsync(client, OutboxPages.Shown, CancellationToken.None)),
        ];
        Report.Line("/outbox, each list it reads alone", "p50 / p95 / max (20 reads each, after 3)");
        foreach ((string name, Func<Task> read) in parts)
        {
            var times = new List<double>();
            for (int i = 0; i < 23; i++)
            {
                var one = Stopwatch.StartNew();
                await read();
                if (i >= 3)
                {
                    times.Add(one.Elapsed.TotalMilliseconds);
                }
            }

            double[] sorted = [.. times.Order()];
            Report.Line($"  {name}", string.Create(CultureInfo.InvariantCulture, $"{Report.Percentile(sorted, 50):F0} / {Report.Percentile(sorted, 95):F0} / {sorted[^1]:F0} ms"));
        }
    }

    private static async Task MeasureAsync(HttpClient http, string cookie, string path)
    {
        var times = new List<double>();
        HttpStatusCode status = HttpStatusCode.OK;
        int bytes = 0;
        for (int i = 0; i < 55; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", cookie);
            var one = Stopwatch.StartNew();
            using HttpResponseMessage response = await http.SendAsync(request);
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            if (i >= 5)
            {
                times.Add(one.Elapsed.TotalMilliseconds);
            }

            (status, bytes) = (response.StatusCode, body.Length);
        }

        double[] sorted = [.. times.Order()];
        Report.Line(
            $"  GET {path}",
            status == HttpStatusCode.OK
                ? string.Create(CultureInfo.InvariantCulture, $"{Report.Percentile(sorted, 50):F0} / {Report.Percentile(sorted, 95):F0} / {sorted[^1]:F0} ms ({bytes / 1024} KiB)")
                : string.Create(CultureInfo.InvariantCulture, $"answered {(int)status}"),
            "p95 <= 300 ms");
    }
}
