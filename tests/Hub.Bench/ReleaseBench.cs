using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Functions.Hosting;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;

namespace Hub.Bench;

/// <summary>
/// The release workflow end to end on a real hub (in process, real Kestrel, Azurite): releases (1,000, or
/// HUB_BENCH_RELEASES) each created, given release.xml and one uploaded package, then moved Submitted -> Unverified ->
/// InVerification -> StageRollout -> Production through the API as a client would: the answer comes from the commit,
/// the effects (ticket, artifacts, slot, mail, metrics, timers) run after it, so a move that needs an earlier move's
/// artifacts is retried, and one the slot answers later is awaited on GET. Afterwards: the drain of the work left,
/// and each transition's effects-done latency from the stored histories (<see cref="ReleaseEffects"/>).
/// </summary>
internal static class ReleaseBench
{
    internal const string Provider = "bench-provider-key-0123456789";
    internal const string Qc = "bench-qc-team-key-0123456789";
    internal const string Sr = "bench-sr-team-key-0123456789";

    /// <summary>The moves from Submitted to Production, each with the key of the team that makes it.</summary>
    internal static readonly (RolloutProgress To, string Key)[] Lifecycle =
        [(RolloutProgress.Unverified, Provider), (RolloutProgress.InVerification, Qc), (RolloutProgress.StageRollout, Qc), (RolloutProgress.Production, Sr)];

    public static async Task RunAsync()
    {
        int count = Count("HUB_BENCH_RELEASES", 1000);
        int port = Azurite.FreePort();
        WebApplication app = await HubAsync(port, "Warning", new Dictionary<string, string?>());
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            var options = new ParallelOptions { MaxDegreeOfParallelism = 32 };
            var releases = new (long Id, string Major)[count];

            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), options, async (i, ct) => releases[i] = (await SubmitAsync(http, i, Major(i), ct), Major(i)));
            Report.Rate("releases, create + release.xml + package upload", count, sw.Elapsed, "releases");

            var client = new ReleaseClient(http);
            sw.Restart();
            await Parallel.ForEachAsync(releases, options, async (release, ct) =>
            {
                foreach ((RolloutProgress to, string key) in Lifecycle)
                {
                    await client.MoveAsync(release.Id, to, key, ct);
                }
            });
            TimeSpan moving = sw.Elapsed;
            Report.Rate($"release transitions, whole lifecycle ({Lifecycle.Length} a release)", count * Lifecycle.Length, moving, "transitions", ">= 200/s");
            double[] latencies = [.. client.Latencies.Order()];
            Report.Line("  answer latency p50 / p95 / p99", string.Create(
                CultureInfo.InvariantCulture, $"{Report.Percentile(latencies, 50):F0} / {Report.Percentile(latencies, 95):F0} / {Report.Percentile(latencies, 99):F0} ms"));
            Report.Line("  retried on 'waits for the artifacts' (409) or 503", string.Create(
                CultureInfo.InvariantCulture, $"{client.RetriedMoves} transitions, {client.Retries} retries in all, {client.Unavailable} of them on 503"));
            Report.Line("  answered before the slot moved them", string.Create(
                CultureInfo.InvariantCulture, $"{client.AwaitedMoves} transitions, {client.Polls} GETs until they showed the move"));

            TimeSpan? drained = await ReleaseEffects.DrainAsync(app.Services, TimeSpan.FromMinutes(10));
            Report.Line("  work drained after the last answer", drained is { } d
                ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:F2} s (work queue empty, no effect being retried)")
                : "not within 10 min; the latencies below count what was done by then");
            EffectsReport(await ReleaseEffects.MeasureAsync(app.Services, releases, [.. Lifecycle.Select(p => p.To)]));

            using HttpResponseMessage metrics = await http.SendAsync(Request(HttpMethod.Get, $"/api/metrics/releases?month={DateTimeOffset.UtcNow:yyyy-MM}", Provider, null));
            using JsonDocument figures = JsonDocument.Parse(await metrics.Content.ReadAsStringAsync());
            Report.Line("  M.REPO-3 afterwards (releases in Production)", figures.RootElement.GetProperty("repo3PassedStageRollout").GetInt32().ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static void EffectsReport(IReadOnlyList<ReleaseEffects.Outcome> outcomes)
    {
        static string Figures(IEnumerable<ReleaseEffects.Outcome> some)
        {
            double[] ms = [.. some.Where(o => o.Latency is not null).Select(o => o.Latency!.Value.TotalMilliseconds).Order()];
            return string.Create(CultureInfo.InvariantCulture, $"{Report.Percentile(ms, 50):F0} / {Report.Percentile(ms, 99):F0} / {ms.LastOrDefault():F0} ms");
        }

        ReleaseEffects.Outcome[] incomplete = [.. outcomes.Where(o => o.Missing is not null)];
        Report.Line("release transitions, effects done p50 / p99 / max", string.Create(
            CultureInfo.InvariantCulture, $"{Figures(outcomes)} ({outcomes.Count - incomplete.Length} done, {incomplete.Length} incomplete)"), "p99 <= 10000 ms");
        foreach (RolloutProgress to in Lifecycle.Select(p => p.To))
        {
            Report.Line($"  to {to}", Figures(outcomes.Where(o => o.To == to)));
        }

        foreach (ReleaseEffects.Outcome o in incomplete.Take(5))
        {
            Report.Line($"  incomplete: #{o.Release} to {o.To}", $"missing {o.Missing}");
        }
    }

    /// <summary>
    /// A hub on <paramref name="port"/> (in process, real Kestrel, the shared Azurite, config/hub.yaml) with the release
    /// teams' keys and <paramref name="extra"/> settings; not yet started.
    /// </summary>
    internal static async Task<WebApplication> HubAsync(int port, string logLevel, IReadOnlyDictionary<string, string?> extra)
    {
        Azurite azurite = await Azurite.SharedAsync();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hub__AdminKey"] = Guid.NewGuid().ToString("N"),
            ["Hub__Urls"] = $"http://127.0.0.1:{port}",
            ["Hub__DurableName"] = Azurite.UniqueName("b"),
            ["Hub__Config"] = Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"),
            ["Hub__FunctionsRoot"] = Path.Combine(Azurite.RepositoryRoot(), "functions"),
            ["Hub__ApiKeys__bench-provider"] = $"integrator:{Provider}",
            ["Hub__ApiKeys__sw-rel-qc-team"] = $"operator:{Qc}",
            ["Hub__ApiKeys__sw-rel-sr-team"] = $"operator:{Sr}",
            ["Logging__LogLevel__Default"] = logLevel,
        };
        foreach ((string name, string? value) in extra)
        {
            settings[name] = value;
        }

        return Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = SourceSecrets.With(settings) });
    }

    /// <summary>A count from <paramref name="setting"/> (a small one checks a bench end to end), else <paramref name="otherwise"/>.</summary>
    internal static int Count(string setting, int otherwise)
    {
        string? text = Environment.GetEnvironmentVariable(setting);
        return text is null ? otherwise
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0 ? count
            : throw new InvalidOperationException($"{setting} must be a positive number; it is '{text}'.");
    }

    // Each release its own major release, so no release waits in Deferred behind another's staged rollout.
    private static string Major(int i) => $"major-{i.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Release <paramref name="i"/> of <paramref name="major"/> created, its release.xml and its one package uploaded: its number.</summary>
    internal static async Task<long> SubmitAsync(HttpClient http, int i, string major, CancellationToken ct)
    {
        byte[] package = Encoding.UTF8.GetBytes($"bench package {i}");
        string sha = Convert.ToHexStringLower(SHA256.HashData(package));
        string version = $"1.{i / 100}.{i % 100}";
        string xml = $"""
            <Release>
              <Name>Bench {i}</Name><Version>{version}</Version><DistributionShortName>bench{i}</DistributionShortName>
              <AssociatedMajorRelease>{major}</AssociatedMajorRelease><ReleaseType>Incremental</ReleaseType>
              <Targets><Target>el9/x86_64</Target></Targets>
              <SoftwareComponents><SoftwareComponent name="bench"><Package name="bench" version="{version}" arch="x86_64" size="{package.Length}" sha256="{sha}" path="bench.rpm"/></SoftwareComponent></SoftwareComponents>
            </Release>
            """;
        using HttpResponseMessage created = await SendAsync(http, HttpMethod.Post, "/api/releases", Provider, JsonContent.Create(new { title = $"Bench {i}", provider = "bench@vendor.example" }), ct);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct));
        long id = body.RootElement.GetProperty("number").GetInt64();
        (await SendAsync(http, HttpMethod.Put, $"/api/releases/{id}/metadata", Provider, new StringContent(xml, Encoding.UTF8, "application/xml"), ct)).Dispose();
        (await SendAsync(http, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=bench.rpm", Provider, new ByteArrayContent(package), ct)).Dispose();
        return id;
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string key, HttpContent? content, CancellationToken ct)
    {
        HttpResponseMessage response = await http.SendAsync(Request(method, path, key, content), ct);
        // A read answered 503 (storage slower than its timeout) is tried again, as any client must; a write's content
        // cannot be sent twice, so its 503 ends the bench.
        for (int attempt = 1; response.StatusCode == HttpStatusCode.ServiceUnavailable && content is null && attempt < 20; attempt++)
        {
            response.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            response = await http.SendAsync(Request(method, path, key, null), ct);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return response;
    }

    internal static HttpRequestMessage Request(HttpMethod method, string path, string key, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return request;
    }
}
