using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Intake.Tickets;

namespace Hub.Bench;

/// <summary>
/// Moves releases through <c>POST /api/releases/{id}/transitions</c> as a client has to now that the answer comes from the
/// commit and the effects follow: a move refused because the previous move's artifacts have not arrived yet is tried
/// again after a short backoff, and a move the answer shows still under way (StageRollout waits for the major release's
/// slot) is awaited on <c>GET /api/releases/{id}</c> before the next one. Counts both, and times every accepted answer.
/// </summary>
internal sealed class ReleaseClient(HttpClient http)
{
    // The refusal the workflow gives such a move (ReleaseDecider.Check); any other refusal is a failure of the bench.
    private const string WaitsForArtifacts = "waits for the artifacts to reach the";

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentQueue<double> _latencies = new();
    private int _retriedMoves;
    private int _retries;
    private int _awaitedMoves;
    private int _polls;
    private int _unavailable;

    /// <summary>The latency of each accepted answer, in milliseconds; refused tries are counted, not timed.</summary>
    public IReadOnlyCollection<double> Latencies => _latencies;

    public int RetriedMoves => _retriedMoves;

    public int Retries => _retries;

    public int AwaitedMoves => _awaitedMoves;

    public int Polls => _polls;

    /// <summary>Tries answered 503 and tried again (counted in <see cref="Retries"/> too).</summary>
    public int Unavailable => _unavailable;

    /// <summary>Moves release <paramref name="id"/> to <paramref name="to"/>; unless <paramref name="awaitSlot"/> is false, a StageRollout the slot grants later is awaited.</summary>
    public async Task MoveAsync(long id, RolloutProgress to, string key, CancellationToken ct, bool awaitSlot = true)
    {
        var since = Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            var one = Stopwatch.StartNew();
            using HttpResponseMessage response = await http.SendAsync(
                ReleaseBench.Request(HttpMethod.Post, $"/api/releases/{id}/transitions", key, JsonContent.Create(new { to })), ct);
            string body = await response.Content.ReadAsStringAsync(ct);
            double ms = one.Elapsed.TotalMilliseconds;
            if (response.IsSuccessStatusCode)
            {
                _latencies.Enqueue(ms);
                if (attempt > 0)
                {
                    Interlocked.Increment(ref _retriedMoves);
                }

                using JsonDocument answer = JsonDocument.Parse(body);
                if (awaitSlot && ProgressOf(answer.RootElement) != to)
                {
                    await AwaitMoveAsync(id, to, key, ct);
                }

                return;
            }

            // 503 (storage slower than the intake timeout, Retry-After) is tried again, as any client must.
            bool busy = response.StatusCode == HttpStatusCode.ServiceUnavailable;
            if (busy)
            {
                Interlocked.Increment(ref _unavailable);
            }

            if (!(busy || (response.StatusCode == HttpStatusCode.Conflict && body.Contains(WaitsForArtifacts, StringComparison.Ordinal))) || since.Elapsed > GiveUpAfter)
            {
                throw new InvalidOperationException($"POST /api/releases/{id}/transitions to {to}: {(int)response.StatusCode} {body}");
            }

            Interlocked.Increment(ref _retries);
            await BackoffAsync(ct);
        }
    }

    private async Task AwaitMoveAsync(long id, RolloutProgress to, string key, CancellationToken ct)
    {
        Interlocked.Increment(ref _awaitedMoves);
        var since = Stopwatch.StartNew();
        while (since.Elapsed < GiveUpAfter)
        {
            await BackoffAsync(ct);
            Interlocked.Increment(ref _polls);
            using HttpResponseMessage response = await ReleaseBench.SendAsync(http, HttpMethod.Get, $"/api/releases/{id}", key, null, ct);
            using JsonDocument detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (ProgressOf(detail.RootElement.GetProperty("release"), "progress") == to)
            {
                return;
            }
        }

        throw new TimeoutException($"Release #{id} did not show {to} within {GiveUpAfter.TotalMinutes} min of its accepted move.");
    }

    private static RolloutProgress ProgressOf(JsonElement release, string property = "rolloutProgress") =>
        Enum.Parse<RolloutProgress>(release.GetProperty(property).GetString()!);

    // 50-200 ms: long enough for a placement or a slot answer to land, short enough not to idle the client.
    private static Task BackoffAsync(CancellationToken ct) => Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 201)), ct);
}
