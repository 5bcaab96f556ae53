using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Functions.Hosting;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;

namespace Hub.Bench;

/// <summary>
/// The release workflow end to end on a real hub (in process, real Kestrel, Azurite): 1,000 releases, each created,
/// given release.xml and one uploaded package, then moved Submitted -> Unverified -> InVerification -> StageRollout ->
/// Production through the API, every move with its ticket change, notification, metrics row and artifact step.
/// </summary>
internal static class ReleaseBench
{
    private const int Releases = 1000;
    private const string Provider = "bench-provider-key-0123456789";
    private const string Qc = "bench-qc-team-key-0123456789";
    private const string Sr = "bench-sr-team-key-0123456789";

    public static async Task RunAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        int port = Azurite.FreePort();
        WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions
        {
            Settings = new Dictionary<string, string?>
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
                ["Logging__LogLevel__Default"] = "Warning",
            },
        });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            var options = new ParallelOptions { MaxDegreeOfParallelism = 32 };
            var ids = new long[Releases];

            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, Releases), options, async (i, ct) => ids[i] = await SubmitAsync(http, i, ct));
            Report.Rate("releases, create + release.xml + package upload", Releases, sw.Elapsed, "releases");

            string[] path = ["Unverified", "InVerification", "StageRollout", "Production"];
            string[] keys = [Provider, Qc, Qc, Sr];
            var latencies = new List<double>();
            sw.Restart();
            await Parallel.ForEachAsync(ids, options, async (id, ct) =>
            {
                for (int step = 0; step < path.Length; step++)
                {
                    var one = Stopwatch.StartNew();
                    await SendAsync(http, HttpMethod.Post, $"/api/releases/{id}/transitions", keys[step], JsonContent.Create(new { to = path[step] }), ct);
                    lock (latencies)
                    {
                        latencies.Add(one.Elapsed.TotalMilliseconds);
                    }
                }
            });
            Report.Rate("release transitions, whole lifecycle (4 a release)", Releases * path.Length, sw.Elapsed, "transitions", ">= 200/s");
            latencies.Sort();
            Report.Line("  transition latency p50 / p95 / p99", string.Create(
                CultureInfo.InvariantCulture, $"{Report.Percentile(latencies, 50):F0} / {Report.Percentile(latencies, 95):F0} / {Report.Percentile(latencies, 99):F0} ms"));

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

    private static async Task<long> SubmitAsync(HttpClient http, int i, CancellationToken ct)
    {
        byte[] package = Encoding.UTF8.GetBytes($"bench package {i}");
        string sha = Convert.ToHexStringLower(SHA256.HashData(package));
        string version = $"1.{i / 100}.{i % 100}";
        string xml = $"""
            <Release>
              <Name>Bench {i}</Name><Version>{version}</Version><DistributionShortName>bench{i}</DistributionShortName>
              <AssociatedMajorRelease>major-{i}</AssociatedMajorRelease><ReleaseType>Incremental</ReleaseType>
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

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string key, HttpContent content, CancellationToken ct)
    {
        HttpResponseMessage response = await http.SendAsync(Request(method, path, key, content), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return response;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string key, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return request;
    }
}
