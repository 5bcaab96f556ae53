using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hub.Functions.Tests.Resilience;

/// <summary>
/// Issue 11: a storage outage of any length never stops the hub. Its own Azurite (on disk) is frozen for 30 s
/// (SIGSTOP: connections are accepted, nothing is answered), then shut down and started again 20 s later, while a
/// sender posts Alertmanager alerts at 20/s and retries every one not acknowledged, as Alertmanager does.
/// The hub's storage clients keep their default retries (<c>Hub__StorageMaxRetries</c> 5, from 0.8 s); the standalone
/// host's own calls (queue polling, timer leases) give up within seconds, so each background loop meets the outage
/// itself, and must log it and carry on.
/// </summary>
/// <remarks>
/// Azurite is shut down with SIGTERM, not SIGKILL. It keeps its metadata (tables, queue messages, blob index) in LokiJS
/// databases that it saves every 5 s and when it shuts down: a SIGKILL loses what it acknowledged in the last seconds,
/// so an alert the hub durably queued (and acknowledged) would vanish with the emulator's unsaved writes. That is the
/// emulator's limit, not the hub's, and a real storage account does not lose acknowledged writes; the shutdown keeps
/// them, so whatever is missing afterwards is the hub's fault.
/// </remarks>
// One collection with KillRecoveryTests: the two heaviest scenarios never run at the same time.
[Collection("Process and storage outages")]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private const string Token = "alertmanager-test-token-0123456789";
    private const string ReaderKey = "outage-reader-key-0123456789abcdef";
    // Well above the hub's own 5 s intake deadline, so that a slow answer on loaded cores is still seen for what it is.
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Paused = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(20);
    private const string QueueListeners = "Hub.Standalone.Queues";
    private const string TimerRunners = "Hub.Standalone.Timers";

    [Fact]
    public async Task Hub_AzuritePausedThenShutDownAndRestartedUnderAlerts_Answers2xxOr503AndEveryAcknowledgedAlertIsOneTicket()
    {
        await using Azurite azurite = await Azurite.StartAsync(persistent: true);
        var clock = Stopwatch.StartNew();
        var warnings = new Warnings(clock);
        await using TestHub hub = await TestHub.StartAsync(
            new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Hub__Secrets__AlertmanagerToken"] = Token,
                ["Hub__ApiKeys__outage-reader"] = "logs-reader:" + ReaderKey,
                // A timer that fires every 2 s (its heartbeat is in GET /api/health), to see the timer loop resume.
                ["Hub__HousekeepingSchedule"] = "*/2 * * * * *",
                // The relay of outbox rows whose effects could not even be handed over (rows older than 5 minutes).
                ["Hub__OutboxRelaySchedule"] = "*/2 * * * * *",
                // The production deadline: storage that hangs answers 503 within 5 s (test hubs otherwise wait 1 min).
                ["Hub__IntakeTimeout"] = "00:00:05",
            },
            services => services.AddSingleton<ILoggerProvider>(warnings));
        using var client = new HttpClient { BaseAddress = hub.BaseAddress, Timeout = ClientTimeout };
        using var sender = new AlertSender(client);

        try
        {
            // Normal traffic first, then the outage, driven by the test: these waits are the scenario itself.
            Task sending = sender.RunAsync(clock);
            await WaitUntilAsync(() => sender.Acknowledged >= 20, TimeSpan.FromSeconds(30));
            TimeSpan pausedAt = clock.Elapsed;
            azurite.Pause();
            await Task.Delay(Paused);
            azurite.Resume();
            TimeSpan resumedAt = clock.Elapsed;
            await azurite.ShutDownAsync();
            TimeSpan downAt = clock.Elapsed;
            await Task.Delay(Down);
            await azurite.RestartAsync();
            TimeSpan restartedAt = clock.Elapsed;
            DateTimeOffset restarted = DateTimeOffset.UtcNow;
            (int Queue, int Timer) failed = (warnings.Between(QueueListeners, pausedAt, restartedAt), warnings.Between(TimerRunners, pausedAt, restartedAt));
            await WaitUntilAsync(() => sender.AcknowledgedSince(restartedAt) > 0, TimeSpan.FromSeconds(30));
            TimeSpan firstAckAfterRestart = sender.FirstAcknowledgedSince(restartedAt) - restartedAt;
            // From the first acknowledgement after the restart only the retries of alerts not yet acknowledged: the
            // outage is what is under test, and the backlog of the 50 s without storage is what has to drain.
            sender.StopNewAlerts();
            // dotnet test (scripts/test.sh) takes a test of over 6 minutes for a hang: about 70 s are gone by now.
            await WaitUntilAsync(
                () => Task.FromResult(sending.IsCompleted),
                TimeSpan.FromSeconds(150),
                TimeSpan.FromMilliseconds(200),
                () => $"{sender.Sent - sender.Acknowledged} of {sender.Sent} alerts are still not acknowledged 150 s after the storage came back; " +
                      string.Join("; ", sender.Answers.Where(a => a.Started > restartedAt).GroupBy(a => a.Outcome).Select(g => $"{g.Key} x{g.Count()}")));
            await sending;
            IReadOnlySet<string> acknowledged = sender.AcknowledgedAlerts;
            List<Ticket> tickets = [];
            // Listing ~1,500 tickets reads every state row: once a second is enough. An alert whose tracker committed just
            // before Azurite went away and whose ticket command (an outbox row run after that commit) then failed becomes
            // a ticket when its retry orchestration runs the row, or, if even that could not be started, when the relay
            // hands it over 5 minutes later (OutboxDispatcher.DefaultRelayAge): such an alert fails this test.
            await WaitUntilAsync(
                async () => (tickets = await TicketsAsync(client)).Count >= acknowledged.Count,
                TimeSpan.FromSeconds(40),
                TimeSpan.FromSeconds(1),
                () => $"{acknowledged.Count - tickets.Count} acknowledged alerts are no ticket 40 s after the last acknowledgement: " +
                      string.Join(", ", acknowledged.Except(tickets.Select(t => t.Subject)).Order(StringComparer.Ordinal).Take(20)));
            TimeSpan allTickets = clock.Elapsed - restartedAt;
            await HubState.WaitForIdleAsync(hub, timeout: TimeSpan.FromSeconds(20));
            tickets = await TicketsAsync(client);
            TimeSpan firstTicketAfterRestart = tickets.Where(t => t.CreatedAt > restarted).Select(t => t.CreatedAt - restarted).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            DateTimeOffset heartbeat = DateTimeOffset.MinValue;
            await WaitUntilAsync(async () => (heartbeat = await HeartbeatAsync(client)) > restarted, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            bool stopping = hub.App.Lifetime.ApplicationStopping.IsCancellationRequested;

            Answer[] answers = sender.Answers;
            Report(answers, pausedAt, resumedAt, downAt, restartedAt, firstAckAfterRestart, allTickets, acknowledged.Count);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"during the outage the queue listeners logged {failed.Queue} failures, the timers {failed.Timer}; first ticket {firstTicketAfterRestart.TotalSeconds:0.0} s after the restart"));
            Assert.False(stopping, "the host stopped");
            Assert.True(failed.Queue >= 1 && failed.Timer >= 1, $"during the outage the queue listeners failed {failed.Queue} times, the timers {failed.Timer}");
            Assert.All(answers, a => Assert.True(
                a.Status is HttpStatusCode.Accepted or HttpStatusCode.OK || (a.Status is HttpStatusCode.ServiceUnavailable && a.RetryAfter),
                $"alert {a.Alert} at {a.Started.TotalSeconds:0.0} s was answered {a.Outcome} after {a.Elapsed.TotalSeconds:0.0} s"));
            Assert.Contains(answers, a => a.Started > pausedAt + TimeSpan.FromSeconds(1) && a.Started + a.Elapsed < resumedAt && a.Status == HttpStatusCode.ServiceUnavailable);
            Assert.Contains(answers, a => a.Started > downAt && a.Started + a.Elapsed < restartedAt && a.Status == HttpStatusCode.ServiceUnavailable);
            Assert.Equal(sender.Sent, acknowledged.Count);
            Assert.Equal(acknowledged.Order(StringComparer.Ordinal), tickets.Select(t => t.Subject).Order(StringComparer.Ordinal));
            Assert.True(heartbeat > restarted);
        }
        finally
        {
            // What the loops logged, on the test's clock, whether the test passed or not.
            foreach (string line in warnings.Of(QueueListeners, TimerRunners))
            {
                output.WriteLine(line);
            }

            // A 500 is logged with its exception: the first of each kind, whole, says where it came from.
            foreach (string failure in warnings.FirstFailures())
            {
                output.WriteLine(failure);
            }
        }
    }

    private void Report(Answer[] answers, TimeSpan pausedAt, TimeSpan resumedAt, TimeSpan downAt, TimeSpan restartedAt, TimeSpan firstAck, TimeSpan allTickets, int alerts)
    {
        string Phase(Answer a) => a.Started < pausedAt ? "before" : a.Started < resumedAt ? "paused" : a.Started < restartedAt ? "down" : "after";
        foreach (IGrouping<string, Answer> phase in answers.GroupBy(Phase))
        {
            Answer longest = phase.MaxBy(a => a.Elapsed)!;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{phase.Key}: {phase.Count()} answers ({string.Join(", ", phase.GroupBy(a => a.Outcome).Select(g => $"{g.Key} x{g.Count()}"))}); longest {longest.Elapsed.TotalSeconds:0.00} s ({longest.Outcome})"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"paused at {pausedAt.TotalSeconds:0.0} s, resumed and shut down at {resumedAt.TotalSeconds:0.0} s (down at {downAt.TotalSeconds:0.0} s), restarted at {restartedAt.TotalSeconds:0.0} s; " +
            $"first 202 {firstAck.TotalSeconds:0.0} s after the restart; all {alerts} alerts were tickets {allTickets.TotalSeconds:0.0} s after it"));
    }

    private static async Task<List<Ticket>> TicketsAsync(HttpClient client)
    {
        var tickets = new List<Ticket>();
        string? continuation = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get,
                "/api/tickets?pageSize=500" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            request.Headers.Add("X-Api-Key", ReaderKey);
            using HttpResponseMessage response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using JsonDocument page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            tickets.AddRange(page.RootElement.GetProperty("items").EnumerateArray()
                .Select(t => new Ticket(t.GetProperty("subject").GetString()!, t.GetProperty("createdAt").GetDateTimeOffset())));
            continuation = page.RootElement.TryGetProperty("continuation", out JsonElement next) ? next.GetString() : null;
        }
        while (continuation is not null);

        return tickets;
    }

    /// <summary>When the Housekeeping timer of this instance last wrote its heartbeat, as GET /api/health reports it.</summary>
    private static async Task<DateTimeOffset> HeartbeatAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        using JsonDocument health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return response.IsSuccessStatusCode && health.RootElement.TryGetProperty("lastHeartbeat", out JsonElement last) && last.ValueKind == JsonValueKind.Object
            ? last.GetProperty("time").GetDateTimeOffset()
            : DateTimeOffset.MinValue;
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => HubState.WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan every, Func<string>? failure = null)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failure?.Invoke() ?? $"Condition not met within {timeout}.");
            }

            await Task.Delay(every);
        }
    }

    private sealed record Ticket(string Subject, DateTimeOffset CreatedAt);

    /// <summary>When each log category wrote a warning or worse, on the test's clock.</summary>
    private sealed class Warnings(Stopwatch clock) : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, TimeSpan At, string Message)> _logged = new();
        private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);

        /// <summary>The first exception logged at Error of each type, with its stack, for the test's output.</summary>
        public IEnumerable<string> FirstFailures() => _failures.Values;

        public int Between(string category, TimeSpan from, TimeSpan to) => _logged.Count(w => w.Category == category && w.At >= from && w.At <= to);

        /// <summary>What the categories logged, one line each with when, for the test's output.</summary>
        public IEnumerable<string> Of(params string[] categories) =>
            _logged.Where(w => categories.Contains(w.Category)).Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.At.TotalSeconds:0.0} s {w.Category}: {w.Message}"));

        private Stopwatch Clock => clock;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Warnings owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    string message = formatter(state, exception);
                    owner._logged.Enqueue((category, owner.Clock.Elapsed, message.Length > 200 ? message[..200] : message));
                    if (logLevel >= LogLevel.Error && exception is not null)
                    {
                        owner._failures.TryAdd(exception.GetType().FullName!, string.Create(CultureInfo.InvariantCulture, $"{owner.Clock.Elapsed.TotalSeconds:0.0} s {category}: {message}{Environment.NewLine}{exception}"));
                    }
                }
            }
        }
    }

    /// <summary>One answer the sender got (or its timeout), with when it asked, since the test began.</summary>
    private sealed record Answer(string Alert, TimeSpan Started, TimeSpan Elapsed, HttpStatusCode? Status, bool RetryAfter)
    {
        /// <summary>Why no answer came, when it was not the client's timeout (the connection failed).</summary>
        public string? Error { get; init; }

        /// <summary>The Retry-After the hub sent, in seconds (1 when busy, 30 when storage failed).</summary>
        public double? RetryAfterSeconds { get; init; }

        public string Outcome => Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) + (RetryAfter ? $"+Retry-After:{RetryAfterSeconds}" : "")
            : Error is null ? "timeout" : "error: " + Error;
    }

    /// <summary>
    /// Posts one new Alertmanager alert every 50 ms (its own fingerprint and alert name, so its own ticket), and retries
    /// each one after a 503 or a timeout until it is acknowledged, with Alertmanager's backoff.
    /// </summary>
    private sealed class AlertSender(HttpClient client) : IDisposable
    {
        private readonly ConcurrentBag<Answer> _answers = [];
        private readonly ConcurrentDictionary<string, TimeSpan> _acknowledged = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _noMore = new();
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        public int Acknowledged => _acknowledged.Count;

        public IReadOnlySet<string> AcknowledgedAlerts => _acknowledged.Keys.ToHashSet(StringComparer.Ordinal);

        public Answer[] Answers => [.. _answers.OrderBy(a => a.Started)];

        public int AcknowledgedSince(TimeSpan since) => _acknowledged.Values.Count(at => at >= since);

        public TimeSpan FirstAcknowledgedSince(TimeSpan since) => _acknowledged.Values.Where(at => at >= since).Min();

        public void StopNewAlerts() => _noMore.Cancel();

        public void Dispose() => _noMore.Dispose();

        public async Task RunAsync(Stopwatch clock)
        {
            var alerts = new List<Task>();
            using var pace = new PeriodicTimer(Interval);
            try
            {
                while (await pace.WaitForNextTickAsync(_noMore.Token))
                {
                    string name = "Outage" + Interlocked.Increment(ref _sent).ToString("D5", CultureInfo.InvariantCulture);
                    alerts.Add(Task.Run(() => DeliverAsync(name, clock)));
                }
            }
            catch (OperationCanceledException)
            {
                // No new alerts; the retries go on.
            }

            await Task.WhenAll(alerts);
        }

        private async Task DeliverAsync(string name, Stopwatch clock)
        {
            string body = Payload(name);
            TimeSpan backoff = TimeSpan.FromSeconds(0.5);
            DateTime giveUp = DateTime.UtcNow.AddMinutes(3);
            while (DateTime.UtcNow < giveUp)
            {
                TimeSpan started = clock.Elapsed;
                Answer answer;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/alerts/alertmanager") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
                    using HttpResponseMessage response = await client.SendAsync(request);
                    answer = new Answer(name, started, clock.Elapsed - started, response.StatusCode, response.Headers.RetryAfter is not null)
                    {
                        RetryAfterSeconds = response.Headers.RetryAfter?.Delta?.TotalSeconds,
                    };
                }
                catch (TaskCanceledException)
                {
                    answer = new Answer(name, started, clock.Elapsed - started, null, false);
                }
                catch (HttpRequestException e)
                {
                    answer = new Answer(name, started, clock.Elapsed - started, null, false) { Error = e.Message };
                }

                _answers.Add(answer);
                if (answer.Status is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    _acknowledged[name] = started + answer.Elapsed;
                    return;
                }

                // Alertmanager's notifier retries with an exponential backoff (cenkalti/backoff's defaults: from 0.5 s,
                // times 1.5, at most 60 s, each wait randomised by +-50%); it does not read Retry-After.
                await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble()));
                backoff = TimeSpan.FromTicks(Math.Min((long)(backoff.Ticks * 1.5), TimeSpan.FromSeconds(60).Ticks));
            }
        }

        // An Alertmanager webhook (version 4) with one firing alert.
        private static string Payload(string name) => JsonSerializer.Serialize(new
        {
            version = "4",
            groupKey = $"{{}}:{{alertname=\"{name}\"}}",
            truncatedAlerts = 0,
            status = "firing",
            receiver = "hub",
            groupLabels = new Dictionary<string, string> { ["alertname"] = name },
            commonLabels = new Dictionary<string, string>(),
            commonAnnotations = new Dictionary<string, string>(),
            externalURL = "http://alertmanager.example.org",
            alerts = new[]
            {
                new
                {
                    status = "firing",
                    labels = new Dictionary<string, string> { ["alertname"] = name, ["severity"] = "warning", ["service"] = "storage" },
                    annotations = new Dictionary<string, string> { ["summary"] = $"{name} on host1" },
                    startsAt = "2026-12-02T01:00:00Z",
                    endsAt = "0001-01-01T00:00:00Z",
                    generatorURL = "http://prometheus.example.org/graph",
                    fingerprint = name.ToLowerInvariant(),
                },
            },
        });
    }
}
