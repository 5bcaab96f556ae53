using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Domain.Tickets;
using Hub.Functions.Releases;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>Artifacts: checksum and fetch failures, the time limit, an interrupted move, areas and RepositoryURL, the StageRollout slot.</summary>
public sealed class ReleaseRepositoryTests
{
    private static readonly byte[] A = Encoding.UTF8.GetBytes("package a");
    private static readonly byte[] B = Encoding.UTF8.GetBytes("package b, different");

    [Fact]
    public async Task Unverified_FetchedChecksumMismatch_FailedWithACommentNamingThePackage()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        string dist = Dist();
        sync.Files["a.rpm"] = A;
        sync.Files["b.rpm"] = Encoding.UTF8.GetBytes("tampered package b!!");
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = A, ["b.rpm"] = B }, dist: dist));

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Failed, release.Progress);
        Assert.Equal(RolloutProgress.Unverified, release.FailedFrom);
        string expected = $"package 'b' (b.rpm): fetched 20 bytes with SHA-256 {Sha(Encoding.UTF8.GetBytes("tampered package b!!"))}; release.xml says 20 bytes with SHA-256 {Sha(B)}.";
        Assert.Equal($"Repository step for Unverified failed: {expected}", release.FailureReason);
        Assert.Equal([$"sw/unverified/{dist}/1.0.0/a.rpm"], await BlobsAsync(hub, $"sw/unverified/{dist}/"));
        EventRecord comment = (await TicketHistoryAsync(hub, id)).Single(e => e.Type == "Commented");
        Assert.Contains(expected, JsonDocument.Parse(comment.Data).RootElement.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal("Failed", (await TicketAsync(hub, id)).Status);
        JsonElement mail = (await MailsAsync(hub, id))[^1];
        Assert.Contains(expected, mail.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unverified_FetchFailsThenAdminRetries_FailedThenPlaced()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        string dist = Dist();
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: dist));

        await MoveAsync(hub, id, "Unverified", ProviderKey);
        ReleaseState failed = await ReleaseAsync(hub, id);
        sync.Files["a.rpm"] = A;
        await MoveAsync(hub, id, "Unverified", AdminKey);
        ReleaseState retried = await ReleaseAsync(hub, id);

        Assert.Equal($"Repository step for Unverified failed: package 'a' (a.rpm): {sync.BaseAddress}a.rpm answered 404.", failed.FailureReason);
        Assert.Equal(RolloutProgress.Unverified, retried.Progress);
        Assert.EndsWith($"/sw/unverified/{dist}/1.0.0/", retried.RepositoryUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unverified_FetchAnswered503ThenTheFile_IsRetriedByTheOutboundPipelineAndPlaced()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        string dist = Dist();
        sync.Files["a.rpm"] = A;
        sync.Failures["a.rpm"] = new([503]);
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: dist));

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Unverified, release.Progress);
        Assert.Equal(["a.rpm", "a.rpm"], sync.Requests.ToArray());
        Assert.Equal([$"sw/unverified/{dist}/1.0.0/a.rpm"], await BlobsAsync(hub, $"sw/unverified/{dist}/"));
    }

    [Fact]
    public async Task Unverified_FetchSlowerThanTheLimit_FailedNamingTheTimeLimit()
    {
        string config = ConfigText();
        string path = Path.Combine(Path.GetTempPath(), $"hub-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, config.Replace("timeout: PT10M", "timeout: PT1S", StringComparison.Ordinal));
        await using TestHub hub = await StartAsync(new Dictionary<string, string?> { ["Hub__Config"] = path });
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        sync.Files["a.rpm"] = A;
        sync.Delays["a.rpm"] = TimeSpan.FromSeconds(5);
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: Dist()));

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        Assert.Equal($"Repository step for Unverified failed: package 'a' (a.rpm): fetching {sync.BaseAddress}a.rpm took longer than 00:00:01.", (await ReleaseAsync(hub, id)).FailureReason);
        File.Delete(path);
    }

    [Fact]
    public async Task Move_InterruptedAfterPartOfTheCopies_ResumesAndCompletesWhenTheOutboxIsSwept()
    {
        // Commits without dispatching: every side effect waits for the sweeper, as after a crash. The clock moves only
        // between sweeps, so a sweep never runs the rows its own effects commit.
        var clock = new Hub.Testing.ManualClock(DateTimeOffset.UtcNow);
        await using TestHub hub = await StartAsync(null, services => services.AddSingleton<TimeProvider>(clock).AddSingleton(sp => new AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>(
            sp.GetRequiredService<Hub.Domain.Durable.IDecider<ReleaseState, ReleaseCommand, ReleaseEvent>>(),
            sp.GetRequiredService<AggregateStore>(),
            sp.GetRequiredService<WorkQueue>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>>>()) { SendEffectsAfterCommit = false }));
        ReleaseRepository repository = hub.App.Services.GetRequiredService<ReleaseRepository>();
        string dist = Dist();
        long id = await CreateAsync(hub, null);
        await RelayAsync(hub, clock);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("3.0.0", "umd-9", new Dictionary<string, byte[]> { ["a.rpm"] = A, ["b.rpm"] = B }, type: "NonIncremental", dist: dist));
        await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=a.rpm", ProviderKey, A);
        await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=b.rpm", ProviderKey, B);
        foreach (string to in new[] { "Unverified", "InVerification", "StageRollout" })
        {
            await MoveAsync(hub, id, to, to == "Unverified" ? ProviderKey : QcKey);
            await RelayAsync(hub, clock, untilDone: to != "StageRollout");
        }

        // The slot has answered; the move to StageRollout is committed and waits in the outbox. Half of it "happened"
        // before the crash: a.rpm is copied and its source already deleted; b.rpm not yet copied.
        ReleaseState beforeMove = await ReleaseAsync(hub, id);
        string unverified = $"sw/unverified/{dist}/3.0.0/", staged = $"sw/stagerollout/{dist}/3.0.0/";
        await repository.Blob(staged + "a.rpm").CopyFromAsync(repository.Blob(unverified + "a.rpm").Uri);
        await repository.Blob(unverified + "a.rpm").DeleteIfExistsAsync();
        await RelayAsync(hub, clock);
        ReleaseState afterMove = await ReleaseAsync(hub, id);
        IReadOnlyList<string> stagedBlobs = await BlobsAsync(hub, staged);
        IReadOnlyList<string> unverifiedBlobs = await BlobsAsync(hub, unverified);
        await MoveAsync(hub, id, "Production", SrKey);
        await RelayAsync(hub, clock);
        ReleaseState production = await ReleaseAsync(hub, id);

        Assert.Equal((RolloutProgress.StageRollout, RolloutProgress.StageRollout), (beforeMove.Progress, beforeMove.ArtifactsPendingFor));
        Assert.EndsWith($"/{unverified}", beforeMove.RepositoryUrl, StringComparison.Ordinal);
        Assert.Null(afterMove.ArtifactsPendingFor);
        Assert.EndsWith($"/{staged}", afterMove.RepositoryUrl, StringComparison.Ordinal);
        Assert.Equal([staged + "a.rpm", staged + "b.rpm"], stagedBlobs.Order(StringComparer.Ordinal));
        Assert.Empty(unverifiedBlobs);
        Assert.EndsWith($"/sw/production/umd-9/base/{dist}/3.0.0/", production.RepositoryUrl, StringComparison.Ordinal);
        BinaryData? b = await repository.Blob($"sw/production/umd-9/base/{dist}/3.0.0/b.rpm").DownloadContentOrDefaultAsync();
        Assert.Equal(B, b!.ToArray());
        Assert.Empty(await BlobsAsync(hub, staged));
    }

    [Fact]
    public async Task Move_PackageLostFromTheArea_FailedNamingIt()
    {
        await using TestHub hub = await StartAsync();
        string dist = Dist();
        long id = await CreateAsync(hub, null);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("1.0.0", "umd-" + Dist(), new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: dist));
        await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=a.rpm", ProviderKey, A);
        await MoveAsync(hub, id, "Unverified", ProviderKey);
        await MoveAsync(hub, id, "InVerification", QcKey);
        await hub.App.Services.GetRequiredService<ReleaseRepository>().Blob($"sw/unverified/{dist}/1.0.0/a.rpm").DeleteIfExistsAsync();

        await MoveAsync(hub, id, "StageRollout", QcKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal((RolloutProgress.Failed, RolloutProgress.StageRollout), (release.Progress, release.FailedFrom));
        Assert.Equal($"Repository step for StageRollout failed: package 'a' (a.rpm) is in neither sw/unverified/{dist}/1.0.0/ nor sw/stagerollout/{dist}/1.0.0/.", release.FailureReason);
    }

    [Fact]
    public async Task StageRollout_SameMajorRelease_SecondDeferredThenPromotedWithItsArtifacts()
    {
        await using TestHub hub = await StartAsync();
        string major = "umd-" + Guid.NewGuid().ToString("N")[..6];
        var ids = new List<long>();
        var dists = new List<string>();
        foreach (int n in new[] { 1, 2, 3 })
        {
            string dist = Dist();
            long id = await CreateAsync(hub, null, title: $"r{n}");
            await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml($"1.0.{n}", major, new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: dist));
            await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/artifacts?path=a.rpm", ProviderKey, A);
            await MoveAsync(hub, id, "Unverified", ProviderKey);
            await MoveAsync(hub, id, "InVerification", QcKey);
            ids.Add(id);
            dists.Add(dist);
        }

        await MoveAsync(hub, ids[0], "StageRollout", QcKey);
        await MoveAsync(hub, ids[2], "StageRollout", QcKey);
        await MoveAsync(hub, ids[1], "StageRollout", QcKey);
        RolloutProgress[] waiting = [(await ReleaseAsync(hub, ids[2])).Progress, (await ReleaseAsync(hub, ids[1])).Progress];
        await MoveAsync(hub, ids[0], "Production", SrKey);
        ReleaseState promoted = await ReleaseAsync(hub, ids[2]);

        Assert.Equal([RolloutProgress.Deferred, RolloutProgress.Deferred], waiting);
        Assert.Equal(RolloutProgress.StageRollout, promoted.Progress);
        Assert.EndsWith($"/sw/stagerollout/{dists[2]}/1.0.3/", promoted.RepositoryUrl, StringComparison.Ordinal);
        Assert.Equal(RolloutProgress.Deferred, (await ReleaseAsync(hub, ids[1])).Progress);
        Assert.Equal("StageRollout", (await TicketAsync(hub, ids[2])).Status);
    }

    [Fact]
    public async Task Unverified_ConnectionDropsMidDownload_FailedNamingThePackage()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        string dist = Dist();
        byte[] big = new byte[256 * 1024];
        Random.Shared.NextBytes(big);
        sync.Files["big.rpm"] = big;
        sync.Drops["big.rpm"] = true;
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["big.rpm"] = big }, dist: dist));

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Failed, release.Progress);
        Assert.StartsWith($"Repository step for Unverified failed: package 'big' (big.rpm): the download from {sync.BaseAddress}big.rpm broke off after ", release.FailureReason, StringComparison.Ordinal);
        Assert.Empty(await BlobsAsync(hub, $"sw/unverified/{dist}/"));
    }

    [Fact]
    public async Task Unverified_ReleaseXmlUrlServesBrokenXml_NotFrozenAndTheRetryReadsItAgain()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        string dist = Dist();
        string xml = Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: dist);
        sync.Files["a.rpm"] = A;
        sync.Files["meta/release.xml"] = Encoding.UTF8.GetBytes(xml[..(xml.Length / 2)]); // cut off in transit
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, new
        {
            title = "Foo", syncProtocol = "http", syncUrl = sync.BaseAddress.ToString(), releaseXmlUrl = $"{sync.BaseAddress}meta/release.xml",
        });
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        long id = body.RootElement.GetProperty("number").GetInt64();

        await MoveAsync(hub, id, "Unverified", ProviderKey);
        ReleaseState failed = await ReleaseAsync(hub, id);
        IReadOnlyList<string> frozenAfterFailure = await BlobsAsync(hub, $"sw/metadata/{id}/");
        sync.Files["meta/release.xml"] = Encoding.UTF8.GetBytes(xml);
        await MoveAsync(hub, id, "Unverified", AdminKey);
        ReleaseState retried = await ReleaseAsync(hub, id);

        Assert.Equal(RolloutProgress.Failed, failed.Progress);
        Assert.StartsWith("Repository step for Unverified failed: release.xml is invalid: ", failed.FailureReason, StringComparison.Ordinal);
        Assert.Empty(frozenAfterFailure);
        Assert.Equal(RolloutProgress.Unverified, retried.Progress);
        Assert.Equal("1.0.0", retried.Metadata!.Version);
        Assert.EndsWith($"/sw/unverified/{dist}/1.0.0/", retried.RepositoryUrl, StringComparison.Ordinal);
        BinaryData? frozen = await hub.App.Services.GetRequiredService<ReleaseRepository>().Blob($"sw/metadata/{id}/release.xml").DownloadContentOrDefaultAsync();
        Assert.Equal(xml, frozen!.ToString());
    }

    private static string Dist() => "d" + Guid.NewGuid().ToString("N")[..10];

    private static async Task RelayAsync(TestHub hub, Hub.Testing.ManualClock clock, bool untilDone = true)
    {
        // The test plays the outbox relay after a crash: each pass runs the rows committed before it started, to the end.
        for (int pass = 0; pass < 50; pass++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            if (await hub.RelayAsync() == 0 || !untilDone)
            {
                return;
            }
        }
    }
}
