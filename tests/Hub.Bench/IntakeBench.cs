using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Hub.Functions.Hosting;
using Hub.Storage.Account;
using Hub.Storage.Durable;
using Hub.Storage.Queues;
using Hub.Storage.Tables;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>Alert intake end to end on a real hub (in process, real Kestrel, Azurite).</summary>
internal static class IntakeBench
{
    private const string Token = "bench-alertmanager-token-0123456789";

    public static async Task RunAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        int port = Azurite.FreePort();
        string durableName = Azurite.UniqueName("b");
        // Every storage request the hub sends is counted; the bench's own polling goes through clients of its own.
        var requests = new StorageRequestCounter();
        var observer = StorageAccount.Parse(azurite.ConnectionString);
        WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions
        {
            ConfigureServices = services => services.AddSingleton(requests),
            Settings = SourceSecrets.With(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Hub__AdminKey"] = Guid.NewGuid().ToString("N"),
                ["Hub__Urls"] = $"http://127.0.0.1:{port}",
                ["Hub__DurableName"] = durableName,
                ["Hub__Config"] = Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"),
                ["Hub__FunctionsRoot"] = Path.Combine(Azurite.RepositoryRoot(), "functions"),
                ["Hub__Secrets__AlertmanagerToken"] = Token,
                ["Hub__Secrets__MailBasicAuth"] = "bench:mail-password-0123456789",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Hub.Functions.Functions.FunctionInvoker"] = Environment.GetEnvironmentVariable("HUB_BENCH_TRACE") is null ? "Warning" : "Information",
            }),
        });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var table = observer.GetTableClient(app.Services.GetRequiredService<AggregateStore>().Table.Name);
            var workQueue = observer.GetQueueClient(app.Services.GetRequiredService<WorkQueue>().Queue.Name);
            var phase = new RequestPhase(requests);

            // 1,000 identities firing, 10 alerts a payload: every alert a new durable ticket.
            string[] firing = Enumerable.Range(0, 100).Select(p => Payload(p, resolvedEvery: 0)).ToArray();
            phase.Start();
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(firing, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (body, ct) => await PostAsync(http, body, ct));
            double ackedIn = sw.Elapsed.TotalSeconds;
            await WaitAsync(async () => await CountAsync(table, "PartitionKey ge 'ticket:' and PartitionKey lt 'ticket;' and RowKey eq 'state'") >= 1000, TimeSpan.FromMinutes(3));
            Report.Rate("alert intake, new alerts to durable tickets", 1000, sw.Elapsed, "alerts", ">= 400/s");
            Report.Line("  of which acknowledging the 100 requests", $"{ackedIn:F2} s");
            await WaitAsync(async () => await workQueue.GetApproximateMessageCountAsync() == 0, TimeSpan.FromMinutes(3));
            phase.Report("new alert", 1000);

            // The same deliveries again: every one a duplicate, nothing new may happen.
            phase.Start();
            sw.Restart();
            await Parallel.ForEachAsync(firing, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (body, ct) => await PostAsync(http, body, ct));
            await WaitAsync(async () => await workQueue.GetApproximateMessageCountAsync() == 0, TimeSpan.FromMinutes(3));
            Report.Rate("alert intake, duplicate deliveries (acked + applied)", 1000, sw.Elapsed, "alerts", ">= 2,000/s");
            phase.Report("duplicate alert", 1000);

            // 20% of the alerts resolve, 80% fire again with new content: updates, comments, auto-resolves.
            string[] mixed = Enumerable.Range(0, 100).Select(p => Payload(p, resolvedEvery: 5, round: 2)).ToArray();
            phase.Start();
            sw.Restart();
            await Parallel.ForEachAsync(mixed, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (body, ct) => await PostAsync(http, body, ct));
            await WaitAsync(async () => await workQueue.GetApproximateMessageCountAsync() == 0, TimeSpan.FromMinutes(3));
            Report.Rate("alert intake, 80% re-firing / 20% resolving", 1000, sw.Elapsed, "alerts");
            phase.Report("re-firing/resolving alert", 1000);

            // Acknowledgement latency at a fixed offered rate: 200 requests/s for 5 s.
            var latencies = new List<double>();
            var sends = new List<Task>();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 1000; i++)
            {
                TimeSpan due = TimeSpan.FromMilliseconds(i * 5);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                string body = Payload(i % 100, resolvedEvery: 0, round: 3 + i);
                sends.Add(Task.Run(async () =>
                {
                    var one = Stopwatch.StartNew();
                    await PostAsync(http, body, default);
                    lock (latencies)
                    {
                        latencies.Add(one.Elapsed.TotalMilliseconds);
                    }
                }));
            }

            await Task.WhenAll(sends);
            latencies.Sort();
            Report.Line("alert intake ack latency at 200 req/s", $"p50 {Report.Percentile(latencies, 50):F1} ms, p99 {Report.Percentile(latencies, 99):F1} ms", "p99 <= 50 ms");

            // The 1,000 acknowledged requests above are 10,000 alert updates still queued: drain them first, or the
            // mail figure below measures this backlog rather than the mails.
            int backlog = await workQueue.GetApproximateMessageCountAsync();
            sw.Restart();
            await WaitAsync(async () => await workQueue.GetApproximateMessageCountAsync() == 0, TimeSpan.FromMinutes(5));
            Report.Line("  backlog after the ack-latency run", string.Create(CultureInfo.InvariantCulture, $"{backlog} work messages of 10 alerts, drained in {sw.Elapsed.TotalSeconds:F1} s"));

            // Mail intake: 500 new mails to isda-support@, each a new Customer-Support ticket.
            using var mailClient = new HttpClient { BaseAddress = http.BaseAddress };
            mailClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("bench:mail-password-0123456789")));
            int ticketsBefore = await CountAsync(table, "PartitionKey ge 'ticket:' and PartitionKey lt 'ticket;' and RowKey eq 'state'");
            phase.Start();
            sw.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                using var form = new MultipartFormDataContent
                {
                    { new StringContent($"Customer {i} <customer{i}@client.example.com>"), "from" },
                    { new StringContent("isda-support@example.org"), "to" },
                    { new StringContent($"Question {i}"), "subject" },
                    { new StringContent("Hello, the portal shows an error."), "text" },
                    { new StringContent($"Message-ID: <bench-{i}@client.example.com>\r\nFrom: customer{i}@client.example.com\r\n"), "headers" },
                };
                using HttpResponseMessage response = await mailClient.PostAsync(new Uri("/api/hooks/mail", UriKind.Relative), form, ct);
                if ((int)response.StatusCode != 202)
                {
                    throw new InvalidOperationException($"mail intake answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }
            });
            double mailAcked = sw.Elapsed.TotalSeconds;
            await WaitAsync(async () => await CountAsync(table, "PartitionKey ge 'ticket:' and PartitionKey lt 'ticket;' and RowKey eq 'state'") >= ticketsBefore + 500, TimeSpan.FromMinutes(3));
            Report.Rate("mail intake, new mails to durable tickets", 500, sw.Elapsed, "mails");
            Report.Line("  of which acknowledging the 500 requests", $"{mailAcked:F2} s");
            await WaitAsync(async () => await workQueue.GetApproximateMessageCountAsync() == 0, TimeSpan.FromMinutes(3));
            phase.Report("new mail", 500);

            Report.Line("process working set (hub + bench + client)", $"{Environment.WorkingSet / (1024 * 1024)} MB", "hub RSS <= 200 MB");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Storage requests the hub sent during one phase, per event: in total, without the queue receives (those depend
    /// on how messages happen to be batched and on idle polling), and by operation.
    /// </summary>
    private sealed class RequestPhase(StorageRequestCounter counter)
    {
        private IReadOnlyDictionary<string, long> _start = new Dictionary<string, long>();

        public void Start() => _start = counter.Snapshot();

        public void Report(string what, int events)
        {
            IReadOnlyDictionary<string, long> used = StorageRequestCounter.Difference(_start, counter.Snapshot());
            long receives = used.GetValueOrDefault("queue GET messages");
            long total = used.Values.Sum();
            Bench.Report.Line(
                $"  storage requests per {what}",
                string.Create(CultureInfo.InvariantCulture, $"{(double)(total - receives) / events:F2} + {(double)receives / events:F2} queue receives"));
            Bench.Report.Line(
                "    by operation",
                string.Join(", ", used.Where(u => u.Key != "queue GET messages").Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Key} {(double)u.Value / events:F2}"))));
        }
    }

    private static async Task PostAsync(HttpClient http, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync(new Uri("/api/hooks/alerts/alertmanager", UriKind.Relative), content, ct);
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"intake answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static string Payload(int payload, int resolvedEvery, int round = 1) => JsonSerializer.Serialize(new
    {
        version = "4",
        groupKey = $"{{}}:{{group=\"{payload}\"}}",
        truncatedAlerts = 0,
        status = "firing",
        receiver = "hub",
        externalURL = "http://alertmanager.example.org",
        alerts = Enumerable.Range(0, 10).Select(i =>
        {
            int identity = (payload * 10) + i;
            bool resolved = resolvedEvery > 0 && identity % resolvedEvery == 0;
            return new
            {
                status = resolved ? "resolved" : "firing",
                labels = new Dictionary<string, string> { ["alertname"] = $"Bench{identity}", ["severity"] = "warning" },
                annotations = new Dictionary<string, string> { ["summary"] = $"round {round}" },
                startsAt = "2026-11-21T10:00:00Z",
                endsAt = resolved ? "2026-11-21T11:00:00Z" : "0001-01-01T00:00:00Z",
                fingerprint = $"bench-{identity}",
            };
        }),
    });

    private static async Task<int> CountAsync(TableClient table, string filter)
    {
        int count = 0;
        await foreach (TableEntity _ in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException("intake did not drain in time");
            }

            await Task.Delay(50);
        }
    }
}
